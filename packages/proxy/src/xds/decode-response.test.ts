import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toAny } from '@tandem/xds-proto';
import { decodeResponse } from './decode-response.ts';
import { XDS_TYPES } from './resource-types.ts';

const CLUSTER = XDS_TYPES.cds.typeUrl;
const cluster = (name: string, extra: Record<string, unknown> = {}) =>
  toAny(CLUSTER, { name, type: 'STATIC', connect_timeout: '1s', ...extra });

describe('decodeResponse', () => {
  it('decodes and validates every resource, keeping the received JSON for /config_dump', () => {
    const result = decodeResponse(XDS_TYPES.cds, [cluster('a'), cluster('b')]);
    assert.ok(result.ok);
    assert.deepEqual(
      result.resources.map((r) => r.name),
      ['a', 'b'],
    );
    assert.deepEqual(result.resources[0]!.raw, {
      '@type': CLUSTER,
      name: 'a',
      type: 'STATIC',
      connect_timeout: '1s',
    });
  });

  it('collects every problem, naming the resource and the field', () => {
    const result = decodeResponse(XDS_TYPES.cds, [
      cluster('ok'),
      cluster('bad', { lb_policy: 'LOAD_BALANCING_POLICY_CONFIG' }),
      toAny(XDS_TYPES.lds.typeUrl, { name: 'l' }),
      { type_url: CLUSTER, value: Buffer.from([0xff, 0xff]) },
    ]);
    assert.ok(!result.ok);
    assert.equal(result.errors.length, 3);
    assert.match(
      result.errors[0]!,
      /^cluster "bad": lb_policy: LbPolicy LOAD_BALANCING_POLICY_CONFIG is not supported by Tandem; .*\[TANDEM_ERR_CONFIG_UNSUPPORTED\]$/,
    );
    assert.equal(
      result.errors[1],
      `cluster [2]: has type ${XDS_TYPES.lds.typeUrl} in a response of type ${CLUSTER}`,
    );
    assert.match(result.errors[2]!, /^cluster \[3\]: cannot decode: /);
  });

  it('names an endpoint assignment by its cluster_name', () => {
    const any = toAny(XDS_TYPES.eds.typeUrl, {
      cluster_name: 'svc',
      endpoints: [
        { lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'db', port_value: 1 } } } }] },
      ],
    });
    const result = decodeResponse(XDS_TYPES.eds, [any]);
    assert.ok(!result.ok);
    assert.match(result.errors[0]!, /^cluster load assignment "svc": /);
  });
});
