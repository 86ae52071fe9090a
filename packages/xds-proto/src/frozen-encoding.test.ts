/**
 * Frozen repeated sub-messages (memoized pieces such as virtual hosts) are encoded once and spliced
 * into the messages that hold them: the result must decode to the same message as the generic
 * encoding, be deterministic, and report errors inside them with their field path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeResource } from './decode-resource.ts';
import { encodeResource, toAny } from './encode-resource.ts';
import { sampleListener, sampleRouteConfiguration } from './testing/sample-resources.ts';
import { TypeUrls } from './type-urls.ts';
import { XdsProtoError } from './xds-proto-error.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

const decode = (typeUrl: string, json: unknown): unknown => decodeResource(toAny(typeUrl, json));
const virtualHostsOf = (): object[] => sampleRouteConfiguration().virtual_hosts as object[];

describe('encoding frozen repeated sub-messages', () => {
  it('decodes a route configuration with frozen virtual hosts to the same message as an unfrozen one', () => {
    const plain = sampleRouteConfiguration();
    const frozen = { ...sampleRouteConfiguration(), virtual_hosts: deepFreeze(virtualHostsOf()) };
    assert.ok(Object.isFrozen(frozen.virtual_hosts[0]));
    assert.deepEqual(decode(TypeUrls.routeConfiguration, frozen), decode(TypeUrls.routeConfiguration, plain));
    assert.deepEqual(decode(TypeUrls.routeConfiguration, frozen), plain);
  });

  it('gives the same bytes for the same message, whether its pieces were encoded before or not', () => {
    const hosts = deepFreeze(virtualHostsOf());
    const first = encodeResource(TypeUrls.routeConfiguration, { name: 'a', virtual_hosts: hosts });
    const again = encodeResource(TypeUrls.routeConfiguration, { name: 'a', virtual_hosts: hosts });
    const copies = encodeResource(TypeUrls.routeConfiguration, {
      name: 'a',
      virtual_hosts: deepFreeze(virtualHostsOf()),
    });
    assert.deepEqual(again, first);
    assert.deepEqual(copies, first);
  });

  it('keeps the hosts in order when a message mixes hosts encoded before with new ones', () => {
    const [host] = deepFreeze(virtualHostsOf());
    const other = deepFreeze({ name: 'other', domains: ['other.example'], routes: [] });
    const both = decode(TypeUrls.routeConfiguration, { name: 'r', virtual_hosts: [host, other] }) as {
      virtual_hosts: { name: string }[];
    };
    assert.deepEqual(
      both.virtual_hosts.map((h) => h.name),
      [(host as { name: string }).name, 'other'],
    );
  });

  it('decodes a whole frozen listener (frozen filter chains) to the same message', () => {
    const listener = deepFreeze(sampleListener());
    assert.deepEqual(decode(TypeUrls.listener, listener), sampleListener());
  });

  it('reports an error inside a frozen item with its field path', () => {
    const bad = deepFreeze([{ name: 'x', domains: ['*'], routes: [{ match: { prefx: '/' } }] }]);
    assert.throws(
      () => encodeResource(TypeUrls.routeConfiguration, { name: 'r', virtual_hosts: bad }),
      (error: unknown) =>
        error instanceof XdsProtoError && /virtual_hosts\[0\]\.routes\[0\]\.match\.prefx/.test(error.message),
    );
  });
});
