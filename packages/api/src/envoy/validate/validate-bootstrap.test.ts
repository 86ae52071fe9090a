import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { BASIC_BOOTSTRAP } from '../testing/basic-bootstrap-expected.ts';
import {
  bootstrap,
  hcm,
  issues,
  listener,
  routeConfig,
  staticCluster,
  TCP_PROXY_TYPE_URL,
} from '../testing/raw-config.ts';
import { parseBootstrapText } from './parse-bootstrap-text.ts';
import { validateBootstrap } from './validate-bootstrap.ts';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const ROUTE = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config';

function errorsOf(raw: unknown) {
  const result = validateBootstrap(raw);
  assert.ok(!result.ok, 'expected the bootstrap to be rejected');
  return result.errors;
}

describe('validateBootstrap', () => {
  it('turns a valid bootstrap into domain values with every Envoy default filled in', () => {
    const text = readFileSync(new URL('valid/basic.yaml', FIXTURES), 'utf8');
    const result = parseBootstrapText(text, 'basic.yaml');
    assert.deepEqual(result, { ok: true, bootstrap: BASIC_BOOTSTRAP, warnings: [] });
  });

  it('accepts the same bootstrap written in lowerCamelCase JSON with numeric enums and object durations', () => {
    const camel = {
      node: {
        id: 'sidecar~10.0.0.1~web-1.default~default.svc.cluster.local',
        cluster: 'web',
        metadata: { team: 'payments' },
        locality: { region: 'eu-west-1', zone: 'eu-west-1a' },
      },
      admin: { address: { socketAddress: { address: '127.0.0.1', portValue: 9901 } } },
      staticResources: {
        listeners: [
          {
            name: 'ingress',
            address: { socketAddress: { address: '0.0.0.0', portValue: '10000' } },
            filterChains: [
              {
                filters: [
                  {
                    name: 'envoy.filters.network.http_connection_manager',
                    typedConfig: {
                      '@type':
                        'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                      statPrefix: 'ingress_http',
                      codecType: 0,
                      routeConfig: {
                        name: 'local_route',
                        virtualHosts: [
                          {
                            name: 'web',
                            domains: ['*'],
                            routes: [
                              {
                                match: { prefix: '/' },
                                route: { cluster: 'web', timeout: { seconds: 2, nanos: 5e8 } },
                              },
                            ],
                          },
                        ],
                      },
                      httpFilters: [{ name: 'envoy.filters.http.router' }],
                    },
                  },
                ],
              },
            ],
          },
        ],
        clusters: [
          {
            name: 'web',
            connectTimeout: '0.250s',
            type: 0,
            loadAssignment: {
              clusterName: 'web',
              endpoints: [
                {
                  lbEndpoints: [
                    { endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: 8080 } } } },
                  ],
                },
              ],
            },
          },
        ],
      },
    };
    assert.deepEqual(validateBootstrap(camel), { ok: true, bootstrap: BASIC_BOOTSTRAP, warnings: [] });
  });

  it('collects every error across resources instead of stopping at the first', () => {
    const raw = bootstrap({
      listeners: [
        listener('a', 10000, hcm(routeConfig('backend'), { stat_prefix: '' })),
        listener('b', 70000),
      ],
      clusters: [staticCluster('backend', '127.0.0.1', { connect_timeout: '5' })],
    });
    assert.deepEqual(issues(errorsOf(raw)), [
      [
        'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.stat_prefix',
        'listener "a": must not be empty',
      ],
      [
        'static_resources.listeners[1].address.socket_address.port_value',
        'listener "b": must be between 0 and 65535, got 70000',
      ],
      [
        'static_resources.clusters[0].connect_timeout',
        'cluster "backend": "5" is not a duration like "5s" or "0.250s"',
      ],
    ]);
  });

  it('reports a route naming a cluster that does not exist, at the route', () => {
    const errors = errorsOf(
      bootstrap({ listeners: [listener('ingress', 10000, hcm(routeConfig('missing')))] }),
    );
    assert.deepEqual(errors, [
      {
        path: `${ROUTE}.virtual_hosts[0].routes[0].route.cluster`,
        message:
          'listener "ingress", route configuration "local", virtual host "vh": cluster "missing" is not defined in static_resources.clusters',
        code: ConfigIssueCode.reference,
      },
    ]);
  });

  it('checks weighted clusters and tcp_proxy clusters, unless validate_clusters is false', () => {
    const weighted = routeConfig('backend');
    (weighted.virtual_hosts as { routes: unknown[] }[])[0]!.routes = [
      {
        match: { prefix: '/' },
        route: {
          weighted_clusters: {
            clusters: [
              { name: 'backend', weight: 1 },
              { name: 'canary', weight: 1 },
            ],
          },
        },
      },
    ];
    const tcp = { '@type': TCP_PROXY_TYPE_URL, stat_prefix: 'tcp', cluster: 'db' };
    const raw = bootstrap({ listeners: [listener('web', 80, hcm(weighted)), listener('tcp', 5432, tcp)] });
    assert.deepEqual(
      errorsOf(raw).map((e) => e.path),
      [
        `${ROUTE}.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name`,
        'static_resources.listeners[1].filter_chains[0].filters[0].typed_config.cluster',
      ],
    );
    const unchecked = bootstrap({
      listeners: [listener('web', 80, hcm(routeConfig('elsewhere', { validate_clusters: false })))],
    });
    assert.ok(validateBootstrap(unchecked).ok);
  });

  it('rejects duplicate listener names, listener addresses and cluster names', () => {
    const raw = bootstrap({
      listeners: [listener('a', 80), listener('a', 81), listener('c', 80)],
      clusters: [staticCluster('backend'), staticCluster('backend')],
    });
    assert.deepEqual(issues(errorsOf(raw)), [
      ['static_resources.listeners[1]', 'listener name "a" is already used by static_resources.listeners[0]'],
      [
        'static_resources.listeners[2]',
        'listener address 0.0.0.0:80 is already used by static_resources.listeners[0]',
      ],
      [
        'static_resources.clusters[1]',
        'cluster name "backend" is already used by static_resources.clusters[0]',
      ],
    ]);
  });

  it('warns about ignorable fields by path', () => {
    const ignorable = validateBootstrap(bootstrap({}, { stats_config: {}, layered_runtime: { layers: [] } }));
    assert.ok(ignorable.ok);
    assert.deepEqual(
      ignorable.warnings.map((w) => [w.path, w.code]),
      [
        ['stats_config', ConfigIssueCode.ignored],
        ['layered_runtime', ConfigIssueCode.ignored],
      ],
    );
  });

  it('rejects resources that would have to come over ADS when ADS is not configured', () => {
    const rds = hcm(undefined, {
      route_config: undefined,
      rds: { route_config_name: 'r', config_source: { ads: {} } },
    });
    const eds = { name: 'backend', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } };
    assert.deepEqual(issues(errorsOf(bootstrap({ listeners: [listener('l', 80, rds)], clusters: [eds] }))), [
      [
        'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.rds.config_source',
        'listener "l": route configuration "r" would come over ADS, but dynamic_resources.ads_config is not set; set it or define the resource in static_resources',
      ],
      [
        'static_resources.clusters[0].eds_cluster_config.eds_config',
        'cluster "backend": endpoints for EDS cluster "backend" would come over ADS, but dynamic_resources.ads_config is not set; set it or define the resource in static_resources',
      ],
    ]);
  });

  it('rejects a top level that is not an object', () => {
    assert.deepEqual(issues(errorsOf([1])), [['', 'expected an object (Bootstrap), got a list']]);
  });
});
