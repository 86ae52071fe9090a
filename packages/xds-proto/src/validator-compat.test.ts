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
import { TypeUrls } from './type-urls.ts';

type Json = Record<string, unknown>;

function without(json: Json, ...keys: string[]): Json {
  return Object.fromEntries(Object.entries(json).filter(([key]) => !keys.includes(key)));
}

function assertSameValidation(typeUrl: string, json: Json, expectOk: boolean): void {
  const original = validateResource(typeUrl, json);
  const decoded = validateResource(typeUrl, decodeResource(toAny(typeUrl, json)));
  assert.equal(original.ok, expectOk, JSON.stringify(original.ok ? original.warnings : original.errors));
  assert.deepEqual(decoded, original);
}

describe('decoded resources validate like their source', () => {
  it('accepts the supported samples with identical domain values', () => {
    assertSameValidation(TypeUrls.listener, sampleListener({ fault: false }), true);
    assertSameValidation(
      TypeUrls.cluster,
      without(sampleCluster(), 'circuit_breakers', 'outlier_detection'),
      true,
    );
    assertSameValidation(TypeUrls.clusterLoadAssignment, sampleClusterLoadAssignment(), true);
    for (const secret of sampleSecrets()) assertSameValidation(TypeUrls.secret, secret, true);
    const routes = sampleRouteConfiguration() as { virtual_hosts: { routes: { route: Json }[] }[] };
    const canary = routes.virtual_hosts[0]!.routes[0]!;
    canary.route = without(canary.route, 'retry_policy');
    assertSameValidation(TypeUrls.routeConfiguration, routes as unknown as Json, true);
  });

  it('reports the same errors for what the validator does not support yet', () => {
    assertSameValidation(TypeUrls.cluster, sampleCluster(), false);
    assertSameValidation(TypeUrls.routeConfiguration, sampleRouteConfiguration(), false);
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
});
