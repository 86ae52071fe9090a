import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAny, decodeResource } from './decode-resource.ts';
import { encodeResource, toAny } from './encode-resource.ts';
import {
  sampleCluster,
  sampleClusterLoadAssignment,
  sampleListener,
  sampleRouteConfiguration,
  sampleSecrets,
} from './testing/sample-resources.ts';
import { TypeUrls } from './type-urls.ts';

function roundTrip(typeUrl: string, json: Record<string, unknown>): unknown {
  return decodeResource(toAny(typeUrl, json));
}

describe('encode -> decode round trips', () => {
  it('keeps a listener with HCM over RDS, fault and router filters, TLS and metadata', () => {
    assert.deepEqual(roundTrip(TypeUrls.listener, sampleListener()), sampleListener());
  });

  it('keeps an EDS cluster with typed_extension_protocol_options, circuit breakers and upstream TLS', () => {
    assert.deepEqual(roundTrip(TypeUrls.cluster, sampleCluster()), sampleCluster());
  });

  it('keeps a ClusterLoadAssignment with localities, priorities and weights', () => {
    const cla = sampleClusterLoadAssignment();
    assert.deepEqual(roundTrip(TypeUrls.clusterLoadAssignment, cla), cla);
  });

  it('keeps a route configuration with weighted clusters, retries and a false BoolValue', () => {
    const routes = sampleRouteConfiguration();
    assert.deepEqual(roundTrip(TypeUrls.routeConfiguration, routes), routes);
  });

  it('keeps secrets (inline strings and bytes, typed SAN matchers)', () => {
    for (const secret of sampleSecrets()) assert.deepEqual(roundTrip(TypeUrls.secret, secret), secret);
  });

  it('gives the same bytes for camelCase and snake_case input, and for any map key order', () => {
    const snake = encodeResource(TypeUrls.clusterLoadAssignment, {
      cluster_name: 'a',
      endpoints: [{ load_balancing_weight: 3, lb_endpoints: [] }],
      named_endpoints: { y: {}, x: {} },
    });
    const camel = encodeResource(TypeUrls.clusterLoadAssignment, {
      namedEndpoints: { x: {}, y: {} },
      clusterName: 'a',
      endpoints: [{ loadBalancingWeight: 3, lbEndpoints: [] }],
    });
    assert.deepEqual(camel, snake);
  });

  it('leaves out implicit defaults but keeps explicitly set oneof members and empty messages', () => {
    const json = {
      name: 'zero',
      address: { socket_address: { address: '', port_value: 0 } },
      filter_chains: [],
    };
    const decoded = roundTrip(TypeUrls.listener, json);
    assert.deepEqual(decoded, { name: 'zero', address: { socket_address: { port_value: 0 } } });
    const cluster = roundTrip(TypeUrls.cluster, { name: 'c', type: 'STATIC', lb_policy: 'ROUND_ROBIN' });
    assert.deepEqual(cluster, { name: 'c', type: 'STATIC' });
  });

  it('accepts a matching leading @type and decodes to canonical Any JSON', () => {
    const json = { '@type': TypeUrls.routeConfiguration, name: 'r' };
    const any = toAny(TypeUrls.routeConfiguration, json);
    assert.deepEqual(decodeAny(any), json);
    assert.deepEqual(decodeResource(any, { jsonNames: true }), { name: 'r' });
  });

  it('writes lowerCamelCase names when asked', () => {
    const any = toAny(TypeUrls.cluster, { name: 'c', connect_timeout: '1s' });
    assert.deepEqual(decodeResource(any, { jsonNames: true }), { name: 'c', connectTimeout: '1s' });
  });
});
