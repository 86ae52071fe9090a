import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issues, staticCluster } from '../testing/raw-config.ts';
import type { Cluster } from '../types.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';

const HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function validate(raw: Record<string, unknown>) {
  return validateResource(RESOURCE_TYPE_URLS.cluster, raw);
}

function clusterOf(raw: Record<string, unknown>): Cluster {
  const result = validate(raw);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.resource;
}

function errors(raw: Record<string, unknown>) {
  const result = validate(raw);
  assert.ok(!result.ok, 'expected the cluster to be rejected');
  return issues(result.errors);
}

function dnsCluster(type: string, hosts: string[], extra: Record<string, unknown> = {}) {
  const lb_endpoints = hosts.map((address) => ({
    endpoint: { address: { socket_address: { address, port_value: 80 } } },
  }));
  return { name: 'dns', type, load_assignment: { endpoints: [{ lb_endpoints }] }, ...extra };
}

const LA = 'load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address';

describe('Cluster', () => {
  it('reads load balancing settings and endpoint details', () => {
    const cluster = clusterOf(
      staticCluster('c', '10.0.0.1', {
        lb_policy: 'MAGLEV',
        maglev_lb_config: { table_size: 5 },
        common_lb_config: { healthy_panic_threshold: { value: 0 }, locality_weighted_lb_config: {} },
        connect_timeout: '1s',
        per_connection_buffer_limit_bytes: 32768,
      }),
    );
    assert.equal(cluster.lbPolicy, 'MAGLEV');
    assert.deepEqual(cluster.maglev, { tableSize: 5 });
    assert.equal(cluster.healthyPanicThresholdPercent, 0);
    assert.equal(cluster.localityWeightedLb, true);
    assert.equal(cluster.connectTimeoutMs, 1000);
    assert.equal(cluster.perConnectionBufferLimitBytes, 32768);
    const endpoints = clusterOf({
      name: 'c',
      load_assignment: {
        endpoints: [
          {
            locality: { zone: 'a' },
            load_balancing_weight: 3,
            priority: 1,
            lb_endpoints: [
              {
                endpoint: {
                  address: { socket_address: { address: '10.0.0.2', port_value: 80 } },
                  hostname: 'pod-2',
                },
                health_status: 'DRAINING',
                load_balancing_weight: 5,
              },
            ],
          },
        ],
        policy: { overprovisioning_factor: 200 },
      },
    }).loadAssignment;
    assert.deepEqual(endpoints, {
      clusterName: 'c',
      endpoints: [
        {
          locality: { region: '', zone: 'a', subZone: '' },
          lbEndpoints: [
            {
              address: { address: '10.0.0.2', portValue: 80 },
              hostname: 'pod-2',
              healthStatus: 'DRAINING',
              loadBalancingWeight: 5,
            },
          ],
          loadBalancingWeight: 3,
          priority: 1,
        },
      ],
      overprovisioningFactor: 200,
    });
  });

  it('checks LB config values', () => {
    assert.deepEqual(errors(staticCluster('c', '10.0.0.1', { maglev_lb_config: { table_size: 65536 } })), [
      ['maglev_lb_config.table_size', 'cluster "c": must be a prime number, got 65536'],
    ]);
    assert.deepEqual(
      errors(
        staticCluster('c', '10.0.0.1', {
          ring_hash_lb_config: { minimum_ring_size: 4096, maximum_ring_size: 1024 },
        }),
      ),
      [['ring_hash_lb_config', 'cluster "c": minimum_ring_size 4096 is above maximum_ring_size 1024']],
    );
    assert.deepEqual(
      errors(staticCluster('c', '10.0.0.1', { least_request_lb_config: { choice_count: 1 } })),
      [['least_request_lb_config.choice_count', 'cluster "c": must be at least 2, got 1']],
    );
    assert.deepEqual(
      errors(staticCluster('c', '10.0.0.1', { ring_hash_lb_config: {}, maglev_lb_config: {} })),
      [
        [
          '',
          'cluster "c": only one of "ring_hash_lb_config" and "maglev_lb_config" may be set (oneof lb_config)',
        ],
      ],
    );
  });

  it('needs IP addresses in STATIC clusters and hostnames in DNS clusters', () => {
    assert.deepEqual(errors(staticCluster('c', 'db.local')), [
      [
        LA,
        'cluster "c": "db.local" is not an IP address; a STATIC cluster needs IP addresses (use STRICT_DNS or LOGICAL_DNS for hostnames)',
      ],
    ]);
    const strict = clusterOf(
      dnsCluster('STRICT_DNS', ['a.local', 'b.local'], {
        dns_lookup_family: 'V4_ONLY',
        dns_refresh_rate: '10s',
      }),
    );
    assert.equal(strict.loadAssignment?.clusterName, 'dns');
    assert.equal(strict.dnsLookupFamily, 'V4_ONLY');
    assert.equal(strict.dnsRefreshRateMs, 10000);
    assert.deepEqual(errors(dnsCluster('LOGICAL_DNS', ['a.local', 'b.local'])), [
      ['load_assignment', 'cluster "dns": a LOGICAL_DNS cluster needs exactly one endpoint, got 2'],
    ]);
    assert.deepEqual(errors({ name: 'dns', type: 'STRICT_DNS' }), [
      [
        'load_assignment',
        'cluster "dns": a STRICT_DNS cluster needs load_assignment with the hostnames to resolve',
      ],
    ]);
  });

  it('needs eds_cluster_config for EDS and names the EDS service', () => {
    assert.deepEqual(errors({ name: 'e', type: 'EDS' }), [
      ['eds_cluster_config', 'cluster "e": an EDS cluster needs eds_cluster_config'],
    ]);
    const eds = clusterOf({
      name: 'e',
      type: 3,
      eds_cluster_config: { service_name: 'outbound|80||e', eds_config: { ads: {} } },
    });
    assert.equal(eds.type, 'EDS');
    assert.equal(eds.edsServiceName, 'outbound|80||e');
  });

  it('picks the upstream protocol from typed_extension_protocol_options', () => {
    const options = (config: Record<string, unknown>) => ({
      [HTTP_OPTIONS]: { '@type': `type.googleapis.com/${HTTP_OPTIONS}`, ...config },
    });
    const h2 = clusterOf(
      staticCluster('c', '10.0.0.1', {
        typed_extension_protocol_options: options({
          explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 10 } },
          common_http_protocol_options: { idle_timeout: '60s', max_requests_per_connection: 1000 },
        }),
      }),
    );
    assert.equal(h2.protocol, 'http2');
    assert.equal(h2.http2.maxConcurrentStreams, 10);
    assert.equal(h2.idleTimeoutMs, 60000);
    assert.equal(h2.maxRequestsPerConnection, 1000);
    const h1 = clusterOf(
      staticCluster('c', '10.0.0.1', {
        typed_extension_protocol_options: options({ explicit_http_config: { http_protocol_options: {} } }),
      }),
    );
    assert.equal(h1.protocol, 'http1');
    const follow = clusterOf(
      staticCluster('c', '10.0.0.1', {
        typed_extension_protocol_options: options({ use_downstream_protocol_config: {} }),
      }),
    );
    assert.equal(follow.protocol, 'downstream');
    assert.deepEqual(
      errors(
        staticCluster('c', '10.0.0.1', { typed_extension_protocol_options: options({ auto_config: {} }) }),
      ),
      [
        [
          `typed_extension_protocol_options["${HTTP_OPTIONS}"].auto_config`,
          'cluster "c": "auto_config" is not supported by Tandem: protocol selection by ALPN is not available',
        ],
      ],
    );
    assert.deepEqual(
      errors(
        staticCluster('c', '10.0.0.1', {
          typed_extension_protocol_options: options({
            common_http_protocol_options: { max_headers_count: 10 },
          }),
        }),
      ),
      [
        [
          `typed_extension_protocol_options["${HTTP_OPTIONS}"]`,
          'cluster "c": one of "explicit_http_config" or "use_downstream_protocol_config" is required',
        ],
        [
          `typed_extension_protocol_options["${HTTP_OPTIONS}"].common_http_protocol_options.max_headers_count`,
          'cluster "c": "max_headers_count" is not supported by Tandem: not implemented for upstream connections',
        ],
      ],
    );
  });

  it('honours the deprecated protocol fields, but not mixed with the new ones', () => {
    const legacy = clusterOf(
      staticCluster('c', '10.0.0.1', { http2_protocol_options: {}, max_requests_per_connection: 5 }),
    );
    assert.equal(legacy.protocol, 'http2');
    assert.equal(legacy.maxRequestsPerConnection, 5);
    const downstream = clusterOf(
      staticCluster('c', '10.0.0.1', { protocol_selection: 'USE_DOWNSTREAM_PROTOCOL' }),
    );
    assert.equal(downstream.protocol, 'downstream');
    const mixed = staticCluster('c', '10.0.0.1', {
      http2_protocol_options: {},
      typed_extension_protocol_options: {
        [HTTP_OPTIONS]: {
          '@type': `type.googleapis.com/${HTTP_OPTIONS}`,
          use_downstream_protocol_config: {},
        },
      },
    });
    assert.deepEqual(errors(mixed), [
      [
        'typed_extension_protocol_options',
        'cluster "c": cannot be combined with the deprecated cluster fields http2_protocol_options',
      ],
    ]);
  });

  it('reads circuit breakers, outlier detection, health checks and slow start, with Envoy defaults', () => {
    const c = clusterOf(
      staticCluster('c', '10.0.0.1', {
        circuit_breakers: {
          thresholds: [
            { max_connections: 1, max_pending_requests: 2 },
            { priority: 'HIGH', retry_budget: {} },
          ],
        },
        outlier_detection: { consecutive_5xx: 3, interval: '1s', base_ejection_time: '2s' },
        health_checks: [
          {
            timeout: '1s',
            interval: '2s',
            unhealthy_threshold: 2,
            healthy_threshold: 1,
            http_health_check: { path: '/healthz', expected_statuses: [{ start: 200, end: 300 }] },
          },
          {
            timeout: '1s',
            interval: '2s',
            unhealthy_threshold: 1,
            healthy_threshold: 1,
            tcp_health_check: { send: { text: '50494e47' }, receive: [{ text: '504f4e47' }] },
          },
        ],
        round_robin_lb_config: { slow_start_config: { slow_start_window: '10s' } },
      }),
    );
    assert.deepEqual(c.circuitBreakers, {
      default: {
        maxConnections: 1,
        maxPendingRequests: 2,
        maxRequests: 1024,
        maxRetries: 3,
        retryBudget: undefined,
        trackRemaining: false,
      },
      high: {
        maxConnections: 1024,
        maxPendingRequests: 1024,
        maxRequests: 1024,
        maxRetries: 3,
        retryBudget: { budgetPercent: 20, minRetryConcurrency: 3 },
        trackRemaining: false,
      },
    });
    assert.equal(c.outlierDetection?.consecutive5xx, 3);
    assert.equal(c.outlierDetection?.consecutiveGatewayFailure, 5);
    assert.equal(c.outlierDetection?.enforcingConsecutiveGatewayFailure, 0);
    assert.equal(c.outlierDetection?.maxEjectionPercent, 10);
    assert.equal(c.outlierDetection?.baseEjectionTimeMs, 2000);
    assert.equal(c.healthChecks?.length, 2);
    assert.deepEqual(c.healthChecks?.[0]?.check, {
      kind: 'http',
      host: '',
      path: '/healthz',
      expectedStatuses: [{ start: 200, end: 300 }],
      requestHeadersToAdd: [],
      requestHeadersToRemove: [],
      method: 'GET',
    });
    assert.equal(c.healthChecks?.[0]?.noTrafficIntervalMs, 60_000);
    assert.deepEqual(c.healthChecks?.[1]?.check, {
      kind: 'tcp',
      send: new Uint8Array(Buffer.from('PING')),
      receive: [new Uint8Array(Buffer.from('PONG'))],
    });
    assert.deepEqual(c.slowStart, { windowMs: 10_000, aggression: 1, minWeightPercent: 10 });
    assert.equal(clusterOf(staticCluster('d', '10.0.0.1')).circuitBreakers, undefined);
    assert.deepEqual(
      errors(
        staticCluster('c', '10.0.0.1', {
          circuit_breakers: { thresholds: [{}, { priority: 'DEFAULT' }] },
          health_checks: [
            {
              timeout: '1s',
              interval: '1s',
              unhealthy_threshold: 1,
              healthy_threshold: 1,
              grpc_health_check: {},
            },
          ],
        }),
      ),
      [
        [
          'health_checks[0].grpc_health_check',
          'cluster "c": "grpc_health_check" is not supported by Tandem: gRPC health checks are not available',
        ],
        ['circuit_breakers.thresholds[1]', 'cluster "c": thresholds for priority DEFAULT are given twice'],
      ],
    );
    assert.deepEqual(errors({ name: 'c', connect_timeout: '0s' }), [
      ['connect_timeout', 'cluster "c": must be greater than 0s'],
    ]);
  });

  it('takes ORIGINAL_DST clusters (the passthrough of transparent interception) and their limits', () => {
    const ok = validateResource(RESOURCE_TYPE_URLS.cluster, {
      name: 'PassthroughCluster',
      type: 'ORIGINAL_DST',
      lb_policy: 'CLUSTER_PROVIDED',
      cleanup_interval: '60s',
    });
    assert.ok(ok.ok);
    assert.equal(ok.resource.type, 'ORIGINAL_DST');
    assert.equal(ok.resource.cleanupIntervalMs, 60_000);
    assert.deepEqual(
      errors({
        name: 'p',
        type: 'ORIGINAL_DST',
        lb_policy: 'CLUSTER_PROVIDED',
        load_assignment: { cluster_name: 'p', endpoints: [] },
      }),
      [['load_assignment', 'cluster "p": an ORIGINAL_DST cluster has no configured endpoints']],
    );
    assert.deepEqual(errors({ name: 's', type: 'STATIC', lb_policy: 'CLUSTER_PROVIDED' }), [
      ['lb_policy', 'cluster "s": CLUSTER_PROVIDED is only for ORIGINAL_DST clusters'],
    ]);
  });
});
