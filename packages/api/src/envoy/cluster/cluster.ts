import { upstreamHttpProtocolOptions } from '../core/common-http-protocol-options.ts';
import { http2ProtocolOptions } from '../core/http2-protocol-options.ts';
import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { wrapper } from '../schema/wrappers.ts';
import { upstreamTransportSocket } from '../tls/transport-socket.ts';
import { buildCluster } from './build-cluster.ts';
import { circuitBreakers } from './circuit-breakers.ts';
import { edsClusterConfig } from './eds-cluster-config.ts';
import { healthCheck } from './health-check.ts';
import {
  commonLbConfig,
  DEFAULT_COMMON_LB,
  leastRequestLbConfig,
  maglevLbConfig,
  ringHashLbConfig,
  roundRobinLbConfig,
} from './lb-configs.ts';
import { clusterLoadAssignment } from './load-assignment.ts';
import { outlierDetection } from './outlier-detection.ts';
import { transportSocketMatch } from './transport-socket-match.ts';
import { typedExtensionProtocolOptions } from './upstream-http-options.ts';

const lbConfig = { oneof: 'lb_config' };
const discovery = { oneof: 'cluster_discovery_type' };
const deprecatedProtocol = { deprecated: true, note: `prefer typed_extension_protocol_options` };

export const clusterFields = {
  transport_socket_matches: repeated(transportSocketMatch, {
    note: 'per-endpoint TLS (auto mTLS): the first match on the endpoint metadata wins',
  }),
  name: required(nonEmptyStr, { note: 'unique among clusters' }),
  alt_stat_name: ignored('statistics use the cluster name'),
  type: withDefault(
    enumOf('DiscoveryType', { STATIC: 0, STRICT_DNS: 1, LOGICAL_DNS: 2, EDS: 3, ORIGINAL_DST: 4 }, [
      'STATIC',
      'STRICT_DNS',
      'LOGICAL_DNS',
      'EDS',
      'ORIGINAL_DST',
    ]),
    'STATIC',
    discovery,
  ),
  cluster_type: unsupported('custom cluster types are not available', discovery),
  eds_cluster_config: optional(edsClusterConfig, { note: 'required for EDS clusters' }),
  connect_timeout: withDefault(duration({ positive: true }), 5000),
  per_connection_buffer_limit_bytes: withDefault(wrapper('UInt32Value', uint32()), 1024 * 1024),
  lb_policy: withDefault(
    enumOf(
      'LbPolicy',
      {
        ROUND_ROBIN: 0,
        LEAST_REQUEST: 1,
        RING_HASH: 2,
        RANDOM: 3,
        MAGLEV: 5,
        CLUSTER_PROVIDED: 6,
        LOAD_BALANCING_POLICY_CONFIG: 7,
      },
      ['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED'],
    ),
    'ROUND_ROBIN',
  ),
  load_assignment: optional(clusterLoadAssignment, {
    note: 'required for STATIC (may be empty), STRICT_DNS and LOGICAL_DNS',
  }),
  health_checks: repeated(healthCheck, { note: 'HTTP and TCP' }),
  max_requests_per_connection: optional(wrapper('UInt32Value', uint32()), deprecatedProtocol),
  circuit_breakers: optional(circuitBreakers, {
    defaultText: "Envoy's defaults (1024 connections, pending, requests; 3 retries)",
  }),
  upstream_http_protocol_options: unsupported('auto SNI and SAN validation are not available', {
    deprecated: true,
  }),
  common_http_protocol_options: optional(upstreamHttpProtocolOptions, deprecatedProtocol),
  http_protocol_options: unsupported('use typed_extension_protocol_options', { deprecated: true }),
  http2_protocol_options: optional(http2ProtocolOptions, {
    ...deprecatedProtocol,
    note: 'makes the cluster HTTP/2; prefer typed_extension_protocol_options',
  }),
  typed_extension_protocol_options: optional(typedExtensionProtocolOptions),
  dns_refresh_rate: withDefault(duration({ minMs: 1 }), 5000),
  dns_jitter: unsupported(),
  dns_failure_refresh_rate: unsupported(),
  respect_dns_ttl: unsupported('DNS refresh follows dns_refresh_rate; TTLs are not read yet', {
    planned: true,
  }),
  dns_lookup_family: withDefault(
    enumOf('DnsLookupFamily', { AUTO: 0, V4_ONLY: 1, V6_ONLY: 2, V4_PREFERRED: 3, ALL: 4 }),
    'AUTO',
  ),
  dns_resolvers: unsupported('the system resolver is used'),
  use_tcp_for_dns_lookups: unsupported(),
  dns_resolution_config: unsupported('the system resolver is used'),
  typed_dns_resolver_config: unsupported('the system resolver is used'),
  wait_for_warm_on_init: ignored('clusters are ready once their endpoints are known'),
  outlier_detection: optional(outlierDetection, { note: 'unset: no outlier detection' }),
  cleanup_interval: withDefault(duration({ positive: true }), 5000, {
    note: 'ORIGINAL_DST: hosts unused this long are removed',
  }),
  upstream_bind_config: unsupported(),
  lb_subset_config: unsupported('subset load balancing is not available'),
  ring_hash_lb_config: optional(ringHashLbConfig, lbConfig),
  maglev_lb_config: optional(maglevLbConfig, lbConfig),
  original_dst_lb_config: unsupported(undefined, lbConfig),
  least_request_lb_config: optional(leastRequestLbConfig, lbConfig),
  round_robin_lb_config: optional(roundRobinLbConfig, lbConfig),
  common_lb_config: withDefault(commonLbConfig, DEFAULT_COMMON_LB),
  transport_socket: optional(upstreamTransportSocket, { note: 'unset: plaintext' }),
  metadata: ignored('cluster metadata is not read by any supported filter'),
  protocol_selection: optional(
    enumOf('ClusterProtocolSelection', { USE_CONFIGURED_PROTOCOL: 0, USE_DOWNSTREAM_PROTOCOL: 1 }),
    { ...deprecatedProtocol, defaultText: 'USE_CONFIGURED_PROTOCOL' },
  ),
  upstream_connection_options: unsupported(),
  close_connections_on_host_health_failure: unsupported(),
  ignore_health_on_host_removal: ignored('removed hosts leave at once'),
  filters: unsupported('upstream network filters are not available'),
  load_balancing_policy: unsupported('use lb_policy'),
  lrs_server: unsupported(),
  track_timeout_budgets: ignored('timeout budget statistics are not emitted'),
  upstream_config: unsupported(),
  track_cluster_stats: ignored('extra cluster statistics are not emitted'),
  preconnect_policy: unsupported(),
  connection_pool_per_downstream_connection: unsupported(),
};

/** envoy.config.cluster.v3.Cluster. */
export const cluster = message({
  name: 'envoy.config.cluster.v3.Cluster',
  label: 'cluster',
  defines: 'cluster',
  fields: clusterFields,
  oneofs: { cluster_discovery_type: {}, lb_config: {} },
  build: buildCluster,
});
