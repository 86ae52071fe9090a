/**
 * Realistic xDS resources in canonical proto3 JSON (snake_case names, durations with 0/3/6/9 fractional
 * digits, 64-bit integers as strings), so that encode -> decode gives them back unchanged.
 */
import { ExtensionTypeUrls } from '../type-urls.ts';

type Json = Record<string, unknown>;

const FILE_ACCESS_LOG = 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog';

/** A TLS listener with an HCM that takes its routes over RDS (ADS) and runs the fault filter and the router. */
export function sampleListener(options: { fault?: boolean } = {}): Json {
  const fault = {
    name: 'envoy.filters.http.fault',
    typed_config: {
      '@type': ExtensionTypeUrls.fault,
      delay: { fixed_delay: '0.100s', percentage: { numerator: 10, denominator: 'TEN_THOUSAND' } },
      abort: { http_status: 503, percentage: { numerator: 5 } },
      max_active_faults: 100,
    },
  };
  const router = { name: 'envoy.filters.http.router', typed_config: { '@type': ExtensionTypeUrls.router } };
  return {
    name: 'inbound_8443',
    address: { socket_address: { address: '0.0.0.0', port_value: 8443 } },
    listener_filters: [
      {
        name: 'envoy.filters.listener.tls_inspector',
        typed_config: { '@type': ExtensionTypeUrls.tlsInspector },
      },
    ],
    filter_chains: [
      {
        filter_chain_match: { server_names: ['api.example.com'], transport_protocol: 'tls' },
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': ExtensionTypeUrls.httpConnectionManager,
              stat_prefix: 'inbound_8443',
              codec_type: 'HTTP2',
              use_remote_address: true,
              stream_idle_timeout: '300s',
              request_timeout: '1.500s',
              common_http_protocol_options: { idle_timeout: '3600s', max_headers_count: 100 },
              upgrade_configs: [{ upgrade_type: 'websocket' }],
              rds: {
                route_config_name: 'inbound_8443_routes',
                config_source: { ads: {}, resource_api_version: 'V3' },
              },
              http_filters: options.fault === false ? [router] : [fault, router],
              access_log: [
                {
                  name: 'envoy.access_loggers.file',
                  typed_config: { '@type': FILE_ACCESS_LOG, path: '/dev/stdout' },
                },
              ],
            },
          },
        ],
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: {
            '@type': ExtensionTypeUrls.downstreamTlsContext,
            common_tls_context: {
              tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
              alpn_protocols: ['h2', 'http/1.1'],
              tls_certificate_sds_secret_configs: [
                { name: 'default', sds_config: { ads: {}, resource_api_version: 'V3' } },
              ],
            },
            require_client_certificate: true,
          },
        },
      },
    ],
    per_connection_buffer_limit_bytes: 32768,
    metadata: {
      filter_metadata: { istio: { config: '/apis/v1/ns/default/gw', weight: 1.5, tags: ['a', null] } },
    },
  };
}

/** An EDS cluster over ADS with HTTP/2 upstream options, circuit breakers, outlier detection and upstream TLS. */
export function sampleCluster(): Json {
  return {
    name: 'outbound|8080||reviews.default.svc.cluster.local',
    type: 'EDS',
    eds_cluster_config: {
      eds_config: { ads: {}, resource_api_version: 'V3' },
      service_name: 'outbound|8080||reviews.default.svc.cluster.local',
    },
    connect_timeout: '10s',
    lb_policy: 'LEAST_REQUEST',
    circuit_breakers: {
      thresholds: [{ max_connections: 1024, max_pending_requests: 128, max_requests: 4096, max_retries: 3 }],
    },
    outlier_detection: {
      consecutive_5xx: 5,
      interval: '10s',
      base_ejection_time: '30s',
      max_ejection_percent: 50,
    },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': ExtensionTypeUrls.httpProtocolOptions,
        explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 1000 } },
        common_http_protocol_options: { idle_timeout: '60s' },
      },
    },
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': ExtensionTypeUrls.upstreamTlsContext,
        sni: 'outbound_.8080_._.reviews.default.svc.cluster.local',
        common_tls_context: {
          alpn_protocols: ['istio-peer-exchange', 'istio'],
          tls_certificate_sds_secret_configs: [
            { name: 'default', sds_config: { ads: {}, resource_api_version: 'V3' } },
          ],
        },
      },
    },
  };
}

function endpoint(address: string, weight: number, health?: string): Json {
  return {
    endpoint: { address: { socket_address: { address, port_value: 9080 } } },
    ...(health === undefined ? {} : { health_status: health }),
    load_balancing_weight: weight,
  };
}

/** Two localities at priority 0 with weights, one failover locality at priority 1. */
export function sampleClusterLoadAssignment(): Json {
  return {
    cluster_name: 'outbound|8080||reviews.default.svc.cluster.local',
    endpoints: [
      {
        locality: { region: 'us-east1', zone: 'us-east1-b' },
        lb_endpoints: [endpoint('10.0.0.11', 1, 'HEALTHY'), endpoint('10.0.0.12', 3)],
        load_balancing_weight: 80,
      },
      {
        locality: { region: 'us-east1', zone: 'us-east1-c', sub_zone: 'rack-7' },
        lb_endpoints: [endpoint('10.0.1.21', 1)],
        load_balancing_weight: 20,
      },
      {
        locality: { region: 'us-west1', zone: 'us-west1-a' },
        lb_endpoints: [endpoint('10.1.0.31', 1, 'DRAINING')],
        load_balancing_weight: 100,
        priority: 1,
      },
    ],
    policy: { overprovisioning_factor: 140 },
  };
}

/** A workload certificate with its key inline (as SDS delivers it) and a trust bundle. */
export function sampleSecrets(): Json[] {
  return [
    {
      name: 'default',
      tls_certificate: {
        certificate_chain: {
          inline_string: '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n',
        },
        private_key: { inline_bytes: Buffer.from('not a real key').toString('base64') },
      },
    },
    {
      name: 'ROOTCA',
      validation_context: {
        trusted_ca: { inline_string: '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----\n' },
        match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { prefix: 'spiffe://cluster.local/' } }],
      },
    },
  ];
}

/** Routes with header and regex matches, weighted clusters, retries, timeouts and header mutations. */
export function sampleRouteConfiguration(): Json {
  return {
    name: 'inbound_8443_routes',
    virtual_hosts: [
      {
        name: 'reviews',
        domains: ['reviews', 'reviews.default.svc.cluster.local'],
        routes: [
          {
            name: 'canary',
            match: {
              prefix: '/',
              headers: [{ name: 'end-user', string_match: { exact: 'jason' } }],
            },
            route: {
              weighted_clusters: {
                clusters: [
                  { name: 'reviews-v2', weight: 90 },
                  { name: 'reviews-v3', weight: 10 },
                ],
              },
              timeout: '0.500s',
              retry_policy: {
                retry_on: 'gateway-error,connect-failure',
                num_retries: 2,
                per_try_timeout: '0.250s',
                retry_back_off: { base_interval: '0.025s', max_interval: '0.250s' },
              },
            },
            request_headers_to_add: [
              { header: { key: 'x-canary', value: 'true' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
            ],
          },
          {
            match: { safe_regex: { regex: '^/api/v[0-9]+/.*' } },
            route: { cluster: 'reviews-v1', timeout: '30s', idle_timeout: '0.500s' },
          },
        ],
      },
    ],
    validate_clusters: false,
  };
}
