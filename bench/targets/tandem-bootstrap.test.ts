import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateBootstrap } from '@tandem/api';
import { parse } from 'yaml';
import { renderBootstrap } from './tandem-bootstrap.ts';

describe('renderBootstrap', () => {
  it('is an Envoy v3 bootstrap with admin, one HTTP listener routed to a STATIC backend cluster', () => {
    const doc = parse(renderBootstrap({ adminPort: 9901, listenerPort: 10000, backendPort: 8080 }));
    assert.deepEqual(doc.admin.address.socket_address, { address: '127.0.0.1', port_value: 9901 });
    const [listener] = doc.static_resources.listeners;
    assert.deepEqual(listener.address.socket_address, { address: '127.0.0.1', port_value: 10000 });
    const hcm = listener.filter_chains[0].filters[0];
    assert.equal(hcm.name, 'envoy.filters.network.http_connection_manager');
    assert.equal(
      hcm.typed_config['@type'],
      'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    );
    assert.equal(hcm.typed_config.stat_prefix, 'ingress_http');
    assert.equal(hcm.typed_config.codec_type, 'AUTO');
    const [vhost] = hcm.typed_config.route_config.virtual_hosts;
    assert.deepEqual(vhost.domains, ['*']);
    assert.deepEqual(vhost.routes, [{ match: { prefix: '/' }, route: { cluster: 'backend' } }]);
    assert.deepEqual(hcm.typed_config.http_filters, [
      {
        name: 'envoy.filters.http.router',
        typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
      },
    ]);
    const [cluster] = doc.static_resources.clusters;
    assert.equal(cluster.name, 'backend');
    assert.equal(cluster.type, 'STATIC');
    assert.equal(cluster.lb_policy, 'ROUND_ROBIN');
    const endpoint = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint;
    assert.deepEqual(endpoint.address.socket_address, { address: '127.0.0.1', port_value: 8080 });
  });

  it('adds an access log or 100% tracing that Tandem accepts', () => {
    for (const telemetry of [{ accessLogPath: '/tmp/a.log' }, { otlpPort: 4318 }]) {
      const doc = parse(
        renderBootstrap({ adminPort: 9901, listenerPort: 10000, backendPort: 8080 }, telemetry),
      );
      const result = validateBootstrap(doc);
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
      assert.deepEqual(result.warnings, []);
      const hcm = result.bootstrap.staticResources.listeners[0]!.filterChains[0]!.filters[0]!;
      assert.equal(hcm.kind, 'http_connection_manager');
      if (hcm.kind !== 'http_connection_manager') return;
      if ('accessLogPath' in telemetry) assert.equal(hcm.config.accessLog[0]?.path, '/tmp/a.log');
      else assert.equal(hcm.config.tracing?.randomSamplingPercent, 100);
    }
  });

  it('adds the resilience setup: retries, outlier detection, a least-request cluster of three endpoints', () => {
    const addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
    const doc = parse(
      renderBootstrap({ adminPort: 9901, listenerPort: 10000, backendPort: 8080 }, {}, { addresses }),
    );
    const result = validateBootstrap(doc);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    assert.deepEqual(result.warnings, []);
    const hcm = doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const route = hcm.route_config.virtual_hosts[0].routes[0].route;
    assert.equal(route.cluster, 'backend');
    assert.equal(route.retry_policy.num_retries, 2);
    assert.deepEqual(route.retry_policy.retriable_status_codes, [503]);
    const [cluster] = doc.static_resources.clusters;
    assert.equal(cluster.lb_policy, 'LEAST_REQUEST');
    assert.equal(cluster.outlier_detection.consecutive_5xx, 5);
    assert.deepEqual(
      cluster.load_assignment.endpoints[0].lb_endpoints.map(
        (e: { endpoint: { address: { socket_address: unknown } } }) => e.endpoint.address.socket_address,
      ),
      addresses.map((address) => ({ address, port_value: 8080 })),
    );
  });
});
