import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
