/**
 * decodeResource's output is what the proxy's xDS client hands to Tandem's validator: validating a decoded
 * resource must give exactly what validating the original proto3 JSON gives.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseConfigText, validateResource } from '@tandem/api';
import { decodeResource } from './decode-resource.ts';
import { toAny } from './encode-resource.ts';
import {
  sampleCluster,
  sampleClusterLoadAssignment,
  sampleListener,
  sampleRouteConfiguration,
  sampleSecrets,
} from './testing/sample-resources.ts';
import { ExtensionTypeUrls, messageNameOf, TypeUrls } from './type-urls.ts';
import { XdsProtoErrorCode } from './xds-proto-error.ts';
import { getXdsRoot } from './xds-root.ts';

type Json = Record<string, unknown>;

function assertSameValidation(typeUrl: string, json: Json, expectOk: boolean): void {
  const original = validateResource(typeUrl, json);
  const decoded = validateResource(typeUrl, decodeResource(toAny(typeUrl, json)));
  assert.equal(original.ok, expectOk, JSON.stringify(original.ok ? original.warnings : original.errors));
  assert.deepEqual(decoded, original);
}

describe('decoded resources validate like their source', () => {
  it('accepts the supported samples with identical domain values', () => {
    assertSameValidation(TypeUrls.listener, sampleListener({ fault: true }), true);
    assertSameValidation(TypeUrls.cluster, sampleCluster(), true);
    assertSameValidation(TypeUrls.clusterLoadAssignment, sampleClusterLoadAssignment(), true);
    for (const secret of sampleSecrets()) assertSameValidation(TypeUrls.secret, secret, true);
    assertSameValidation(TypeUrls.routeConfiguration, sampleRouteConfiguration(), true);
  });

  it('reports the same errors for what the validator does not support yet', () => {
    assertSameValidation(TypeUrls.cluster, { ...sampleCluster(), lb_subset_config: {} }, false);
    const routes = sampleRouteConfiguration() as { virtual_hosts: { routes: { route: Json }[] }[] };
    const canary = routes.virtual_hosts[0]!.routes[0]!;
    canary.route = { ...canary.route, hedge_policy: { initial_requests: 2 } };
    assertSameValidation(TypeUrls.routeConfiguration, routes as unknown as Json, false);
  });

  it('keeps the static resources of the bootstrap files in the repository', () => {
    const files = ['../../../examples/proxy/bootstrap.yaml', '../../api/test/fixtures/valid/basic.yaml'];
    for (const file of files) {
      const parsed = parseConfigText(readFileSync(new URL(file, import.meta.url), 'utf8'), file);
      assert.ok(parsed.ok);
      const resources = (parsed.value as { static_resources: { listeners?: Json[]; clusters?: Json[] } })
        .static_resources;
      for (const listener of resources.listeners ?? [])
        assertSameValidation(TypeUrls.listener, listener, true);
      for (const cluster of resources.clusters ?? []) assertSameValidation(TypeUrls.cluster, cluster, true);
    }
  });

  it('turns an Any of an unknown type into its type URL, so an optional filter can be skipped', () => {
    const root = getXdsRoot();
    const unknown = {
      type_url: 'type.googleapis.com/example.filters.Unknown',
      value: Buffer.from([0x08, 0x01]),
    };
    const hcm = (isOptional: boolean) =>
      root
        .lookupType(messageNameOf(ExtensionTypeUrls.httpConnectionManager))
        .encode({
          stat_prefix: 'in',
          route_config: { name: 'r' },
          http_filters: [
            { name: 'unknown', typed_config: unknown, is_optional: isOptional },
            { name: 'router', typed_config: { type_url: ExtensionTypeUrls.router, value: Buffer.alloc(0) } },
          ],
        })
        .finish();
    const listener = (isOptional: boolean) => ({
      type_url: TypeUrls.listener,
      value: Buffer.from(
        root
          .lookupType('envoy.config.listener.v3.Listener')
          .encode({
            name: 'l',
            address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
            filter_chains: [
              {
                filters: [
                  {
                    name: 'hcm',
                    typed_config: {
                      type_url: ExtensionTypeUrls.httpConnectionManager,
                      value: hcm(isOptional),
                    },
                  },
                ],
              },
            ],
          })
          .finish(),
      ),
    });
    const optional = decodeResource(listener(true)) as {
      filter_chains: { filters: { typed_config: Json }[] }[];
    };
    const filters = optional.filter_chains[0]!.filters[0]!.typed_config.http_filters as Json[];
    assert.deepEqual(filters[0], {
      name: 'unknown',
      typed_config: { '@type': unknown.type_url },
      is_optional: true,
    });
    const skipped = validateResource(TypeUrls.listener, optional);
    assert.ok(skipped.ok);
    assert.match(skipped.warnings[0]?.message ?? '', /optional HTTP filter of unknown type/);
    const required = validateResource(TypeUrls.listener, decodeResource(listener(false)));
    assert.ok(!required.ok);
    assert.match(required.errors[0]?.message ?? '', /example\.filters\.Unknown/);
    assert.throws(() => decodeResource(listener(false), { unknownAny: 'error' }), {
      code: XdsProtoErrorCode.unknownType,
      path: 'filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.@type',
    });
  });
});
