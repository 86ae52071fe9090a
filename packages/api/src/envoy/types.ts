/**
 * Validated Envoy xDS v3 resources: the subset Tandem supports, after validation.
 *
 * Raw YAML/JSON/protobuf never reaches the proxy; `validateBootstrap` (and later the xDS client)
 * turns it into these types. Names are camelCase, durations are milliseconds (`...Ms`), defaults
 * are filled in, and every oneof is a discriminated union with a `kind`.
 */
import type { FormatSegment } from './access-log/format-string.ts';
import type { RbacConfig } from './security/security-types.ts';

export interface Bootstrap {
  node: NodeInfo;
  admin: Admin | undefined;
  staticResources: StaticResources;
  /** Resources fetched over ADS; undefined when the bootstrap has no `dynamic_resources`. */
  dynamicResources?: DynamicResources | undefined;
}

/** `dynamic_resources`: the ADS server, and whether listeners and clusters come from it. */
export interface DynamicResources {
  ads: AdsConfig | undefined;
  /** LDS over ADS; undefined when `lds_config` is not set. */
  lds: XdsSubscriptionConfig | undefined;
  /** CDS over ADS; undefined when `cds_config` is not set. */
  cds: XdsSubscriptionConfig | undefined;
}

export interface XdsSubscriptionConfig {
  /** How long to wait for the first response before going on without it; 0 waits forever. */
  initialFetchTimeoutMs: number;
}

/** `ads_config`: a state-of-the-world gRPC stream to a static HTTP/2 cluster. */
export interface AdsConfig {
  apiType: 'GRPC';
  /** The static cluster of the management server (`grpc_services[0].envoy_grpc.cluster_name`). */
  clusterName: string;
  /** `:authority` for the stream; empty means the cluster name (Envoy's default). */
  authority: string;
  /** gRPC metadata sent on the stream (`grpc_services[0].initial_metadata`). */
  initialMetadata: { key: string; value: string }[];
  /** Send `node` on the first request of a stream only (otherwise on every request). */
  setNodeOnFirstMessageOnly: boolean;
}

export interface NodeInfo {
  id: string;
  cluster: string;
  metadata: Record<string, unknown>;
  locality: Locality | undefined;
}

export interface Admin {
  address: SocketAddress;
}

export interface StaticResources {
  listeners: Listener[];
  clusters: Cluster[];
  secrets: Secret[];
}

export interface SocketAddress {
  address: string;
  portValue: number;
}

export interface Locality {
  region: string;
  zone: string;
  subZone: string;
}

// ---------------------------------------------------------------- listeners

export interface Listener {
  name: string;
  address: SocketAddress;
  filterChains: FilterChain[];
  defaultFilterChain: FilterChain | undefined;
  /** Names of listener filters, e.g. `envoy.filters.listener.tls_inspector`. */
  listenerFilters: ListenerFilter[];
  listenerFiltersTimeoutMs: number;
  continueOnListenerFiltersTimeout: boolean;
  perConnectionBufferLimitBytes: number;
  trafficDirection: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  bindToPort: boolean;
  /** Hand a redirected connection to the listener (bind_to_port false) for its original destination. */
  useOriginalDst: boolean;
}

export interface ListenerFilter {
  name: string;
  typeUrl: string | undefined;
}

export interface FilterChain {
  name: string;
  filterChainMatch: FilterChainMatch;
  filters: NetworkFilter[];
  transportSocket: DownstreamTlsContext | undefined;
}

export interface FilterChainMatch {
  destinationPort: number | undefined;
  prefixRanges: CidrRange[];
  sourcePrefixRanges: CidrRange[];
  sourcePorts: number[];
  serverNames: string[];
  /** `raw_buffer`, `tls`, or empty for any. */
  transportProtocol: string;
  applicationProtocols: string[];
}

export interface CidrRange {
  addressPrefix: string;
  prefixLen: number;
}

export type NetworkFilter =
  | { name: string; kind: 'http_connection_manager'; config: HttpConnectionManager }
  | { name: string; kind: 'tcp_proxy'; config: TcpProxy }
  | { name: string; kind: 'rbac'; config: RbacConfig };

// ---------------------------------------------------------------- TLS

export type DataSource =
  | { kind: 'filename'; filename: string }
  | { kind: 'inlineString'; value: string }
  | { kind: 'inlineBytes'; value: Uint8Array }
  | { kind: 'environmentVariable'; name: string };

export interface TlsCertificate {
  certificateChain: DataSource;
  privateKey: DataSource;
  password: DataSource | undefined;
}

export interface CertificateValidationContext {
  trustedCa: DataSource | undefined;
  /** SAN matchers; a peer certificate must have one SAN matching one of these (if any are set). */
  matchSubjectAltNames: SanMatcher[];
}

export interface SanMatcher {
  sanType: 'DNS' | 'URI' | 'EMAIL' | 'IP_ADDRESS' | 'ANY';
  matcher: StringMatcher;
}

export interface TlsParameters {
  minimumProtocolVersion: 'TLS_AUTO' | 'TLSv1_0' | 'TLSv1_1' | 'TLSv1_2' | 'TLSv1_3';
  maximumProtocolVersion: 'TLS_AUTO' | 'TLSv1_0' | 'TLSv1_1' | 'TLSv1_2' | 'TLSv1_3';
  cipherSuites: string[];
  ecdhCurves: string[];
}

export interface CommonTlsContext {
  tlsParams: TlsParameters | undefined;
  tlsCertificates: TlsCertificate[];
  /** Names of SDS secrets (static `secrets` now, delivered over xDS later). */
  tlsCertificateSdsSecretConfigs: string[];
  validationContext: CertificateValidationContext | undefined;
  validationContextSdsSecretConfig: string | undefined;
  alpnProtocols: string[];
}

export interface DownstreamTlsContext {
  kind: 'downstream_tls';
  commonTlsContext: CommonTlsContext;
  requireClientCertificate: boolean;
}

export interface UpstreamTlsContext {
  kind: 'upstream_tls';
  commonTlsContext: CommonTlsContext;
  sni: string;
}

export type Secret =
  | { name: string; kind: 'tlsCertificate'; tlsCertificate: TlsCertificate }
  | { name: string; kind: 'validationContext'; validationContext: CertificateValidationContext };

// ---------------------------------------------------------------- network filters

// ---------------------------------------------------------------- access logs and tracing

/** One parsed piece of a format string (see access-log/format-string.ts). */
export type { FormatSegment } from './access-log/format-string.ts';

export type JsonFormatValue =
  | { kind: 'template'; segments: readonly FormatSegment[] }
  | { kind: 'object'; fields: readonly (readonly [string, JsonFormatValue])[] }
  | { kind: 'constant'; value: unknown };

export type AccessLogFormat =
  | { kind: 'text'; template: string; segments: readonly FormatSegment[]; omitEmptyValues: boolean }
  | { kind: 'json'; root: JsonFormatValue; omitEmptyValues: boolean };

/** A file access logger (`/dev/stdout` and `/dev/stderr` included). */
export interface AccessLog {
  name: string;
  path: string;
  format: AccessLogFormat;
}

export type TracingCustomTag =
  | { tag: string; kind: 'literal'; value: string }
  | { tag: string; kind: 'header'; name: string; defaultValue: string };

export interface HttpCollector {
  /** The cluster the collector is reached through. */
  cluster: string;
  /** `:authority` for the export request. */
  authority: string;
  path: string;
  timeoutMs: number;
  headers: { key: string; value: string }[];
}

export type TracingProvider =
  | ({ kind: 'opentelemetry'; serviceName: string } & HttpCollector)
  | ({ kind: 'zipkin'; traceId128: boolean; sharedSpanContext: boolean } & HttpCollector);

/** HttpConnectionManager.Tracing; percentages are 0..100. */
export interface HcmTracing {
  clientSamplingPercent: number;
  randomSamplingPercent: number;
  overallSamplingPercent: number;
  maxPathTagLength: number;
  customTags: TracingCustomTag[];
  /** Undefined: decisions are made and headers propagated, but no span is exported. */
  provider: TracingProvider | undefined;
}

export interface TcpProxy {
  statPrefix: string;
  accessLog: AccessLog[];
  clusterSpecifier:
    | { kind: 'cluster'; cluster: string }
    | { kind: 'weightedClusters'; clusters: WeightedTcpCluster[] };
  idleTimeoutMs: number;
  maxConnectAttempts: number;
}

export interface WeightedTcpCluster {
  name: string;
  weight: number;
}

export interface HttpConnectionManager {
  statPrefix: string;
  codecType: 'AUTO' | 'HTTP1' | 'HTTP2';
  routeSpecifier:
    | { kind: 'routeConfig'; routeConfig: RouteConfiguration }
    | { kind: 'rds'; routeConfigName: string; initialFetchTimeoutMs: number };
  httpFilters: HttpFilter[];
  /** Default 60, max 8192 (Envoy's limits). */
  maxRequestHeadersKb: number;
  /** Max number of request headers; default 100. */
  maxHeadersCount: number;
  /** 0 disables. Envoy default: disabled. */
  requestTimeoutMs: number;
  /** 0 disables. Time to receive the complete request headers. */
  requestHeadersTimeoutMs: number;
  /** Default 300000 (5 min); 0 disables. */
  streamIdleTimeoutMs: number;
  /** Connection idle timeout (common_http_protocol_options.idle_timeout); default 3600000; 0 disables. */
  idleTimeoutMs: number;
  /** 0 means unlimited. */
  maxConnectionDurationMs: number;
  /** 0 means unlimited. */
  maxRequestsPerConnection: number;
  /** 0 means unlimited. */
  maxStreamDurationMs: number;
  headersWithUnderscoresAction: 'ALLOW' | 'REJECT_REQUEST' | 'DROP_HEADER';
  useRemoteAddress: boolean;
  skipXffAppend: boolean;
  /** x-forwarded-client-cert handling; absent means SANITIZE (Envoy's default). */
  forwardClientCertDetails?: 'FORWARD_ONLY' | 'APPEND_FORWARD' | 'SANITIZE_SET' | 'ALWAYS_FORWARD_ONLY';
  /** What the proxy adds about the client certificate (APPEND_FORWARD, SANITIZE_SET); absent: Hash and By only. */
  setCurrentClientCertDetails?: {
    subject: boolean;
    cert: boolean;
    chain: boolean;
    dns: boolean;
    uri: boolean;
  };
  generateRequestId: boolean;
  preserveExternalRequestId: boolean;
  serverName: string;
  serverHeaderTransformation: 'OVERWRITE' | 'APPEND_IF_ABSENT' | 'PASS_THROUGH';
  upgradeConfigs: UpgradeConfig[];
  normalizePath: boolean;
  mergeSlashes: boolean;
  http1: Http1ProtocolOptions;
  http2: Http2ProtocolOptions;
  delayedCloseTimeoutMs: number;
  accessLog: AccessLog[];
  /** Undefined when the connection manager has no `tracing` block (no spans, no propagation). */
  tracing: HcmTracing | undefined;
}

export interface UpgradeConfig {
  upgradeType: string;
  enabled: boolean;
}

export interface Http1ProtocolOptions {
  acceptHttp10: boolean;
  defaultHostForHttp10: string;
}

export interface Http2ProtocolOptions {
  maxConcurrentStreams: number;
  initialStreamWindowSize: number;
  initialConnectionWindowSize: number;
}

export interface HttpFilter {
  name: string;
  typeUrl: string;
  /** The filter's own validated config; its shape is owned by the filter's registry entry. */
  config: unknown;
}

// ---------------------------------------------------------------- routes

export interface RouteConfiguration {
  name: string;
  virtualHosts: VirtualHost[];
  headers: HeaderMutations;
  mostSpecificHeaderMutationsWins: boolean;
  /**
   * Envoy's `ignore_port_in_host_matching`: drop any `:port` from the authority before matching
   * virtual host domains. Optional; absent means false (Envoy's default: the port stays part of it).
   */
  ignorePortInHostMatching?: boolean;
  /** Envoy's `max_direct_response_body_size_bytes`. Optional; absent means 4096. */
  maxDirectResponseBodySizeBytes?: number;
}

export interface HeaderMutations {
  requestHeadersToAdd: HeaderValueOption[];
  requestHeadersToRemove: string[];
  responseHeadersToAdd: HeaderValueOption[];
  responseHeadersToRemove: string[];
}

export interface HeaderValueOption {
  key: string;
  value: string;
  appendAction:
    | 'APPEND_IF_EXISTS_OR_ADD'
    | 'ADD_IF_ABSENT'
    | 'OVERWRITE_IF_EXISTS_OR_ADD'
    | 'OVERWRITE_IF_EXISTS';
  keepEmptyValue: boolean;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: Route[];
  headers: HeaderMutations;
  requireTls: 'NONE' | 'EXTERNAL_ONLY' | 'ALL';
  /** Used by routes that have no `retry_policy` of their own. Optional; absent means none. */
  retryPolicy?: RetryPolicy | undefined;
  /** Used by routes that have no mirror policies of their own. Optional; absent means none. */
  requestMirrorPolicies?: RequestMirrorPolicy[];
  /** Per-filter overrides for the routes of this host (a route's own entry wins). Optional. */
  typedPerFilterConfig?: TypedPerFilterConfig;
  /** Rate limit actions a route includes when `include_vh_rate_limits` (or has none). Optional. */
  rateLimits?: RateLimitPolicy[];
  /** Send `x-envoy-attempt-count` upstream. Optional; absent means false. */
  includeRequestAttemptCount?: boolean;
  /** Send `x-envoy-attempt-count` downstream on the response. Optional; absent means false. */
  includeAttemptCountInResponse?: boolean;
}

export interface Route {
  name: string;
  match: RouteMatch;
  action: RouteAction | RedirectAction | DirectResponseAction;
  headers: HeaderMutations;
  /** Per-filter overrides, by the filter's name in `http_filters`. Optional; absent means none. */
  typedPerFilterConfig?: TypedPerFilterConfig;
}

/** Per-route HTTP filter configs by filter name (e.g. `envoy.filters.http.fault`). */
export type TypedPerFilterConfig = Record<string, { typeUrl: string; config: unknown }>;

/** A share of requests, in millionths (FractionalPercent normalised; 1_000_000 = all). */
export type PerMillion = number;

/** `retry_policy` on a route or virtual host. */
export interface RetryPolicy {
  /** Validated `retry_on` conditions (`5xx`, `gateway-error`, `reset`, `connect-failure`, ...). */
  retryOn: string[];
  /** Default 1. */
  numRetries: number;
  /** 0: no per-try timeout. */
  perTryTimeoutMs: number;
  retriableStatusCodes: number[];
  /** Response headers that make a response retriable with `retriable-headers`. */
  retriableHeaders: HeaderMatcher[];
  /** Only requests matching these are retried (all when empty). */
  retriableRequestHeaders: HeaderMatcher[];
  /** Jittered exponential back-off; Envoy's defaults 25 ms and 250 ms when unset. */
  backOff: { baseIntervalMs: number; maxIntervalMs: number };
  /** `envoy.retry_host_predicates.previous_hosts`: retries avoid hosts already tried. */
  previousHostsPredicate: boolean;
  /** Host selection attempts per retry when a predicate rejects a host; default 1. */
  hostSelectionRetryMaxAttempts: number;
}

/** `request_mirror_policies[]`: shadow a share of requests to another cluster. */
export interface RequestMirrorPolicy {
  cluster: string;
  /** Share of requests mirrored; default all. */
  fraction: PerMillion;
  /** Keep the authority as is instead of appending `-shadow`. */
  disableShadowHostSuffixAppend: boolean;
}

/** One `rate_limits[]` entry: the actions whose results form one descriptor. */
export interface RateLimitPolicy {
  stage: number;
  actions: RateLimitAction[];
}

export type RateLimitAction =
  | { kind: 'sourceCluster' }
  | { kind: 'destinationCluster' }
  | { kind: 'requestHeaders'; headerName: string; descriptorKey: string; skipIfAbsent: boolean }
  | { kind: 'remoteAddress' }
  | { kind: 'genericKey'; descriptorKey: string; descriptorValue: string }
  | {
      kind: 'headerValueMatch';
      descriptorKey: string;
      descriptorValue: string;
      expectMatch: boolean;
      headers: HeaderMatcher[];
    };

export type PathMatch =
  | { kind: 'prefix'; value: string }
  | { kind: 'path'; value: string }
  | { kind: 'safeRegex'; regex: string }
  | { kind: 'pathSeparatedPrefix'; value: string };

export interface RouteMatch {
  path: PathMatch;
  caseSensitive: boolean;
  headers: HeaderMatcher[];
  queryParameters: QueryParameterMatcher[];
  /** Match only gRPC requests (content-type application/grpc...). */
  grpc: boolean;
}

export type StringMatcher =
  | { kind: 'exact'; value: string; ignoreCase: boolean }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'contains'; value: string; ignoreCase: boolean }
  | { kind: 'safeRegex'; regex: string; ignoreCase: boolean };

export type HeaderMatchSpec =
  | { kind: 'string'; matcher: StringMatcher }
  | { kind: 'present'; present: boolean }
  | { kind: 'range'; start: number; end: number };

export interface HeaderMatcher {
  /** Lower-cased header name; `:path`, `:method`, `:authority`, `:scheme` are allowed. */
  name: string;
  spec: HeaderMatchSpec;
  invertMatch: boolean;
  treatMissingHeaderAsEmpty: boolean;
}

export interface QueryParameterMatcher {
  name: string;
  spec: { kind: 'string'; matcher: StringMatcher } | { kind: 'present' };
}

export type HashPolicy =
  | { kind: 'header'; headerName: string; terminal: boolean }
  | { kind: 'cookie'; name: string; ttlMs: number | undefined; path: string; terminal: boolean }
  | { kind: 'sourceIp'; terminal: boolean }
  | { kind: 'queryParameter'; name: string; terminal: boolean };

export interface WeightedCluster {
  name: string;
  weight: number;
  headers: HeaderMutations;
}

export type ClusterSpecifier =
  | { kind: 'cluster'; name: string }
  | { kind: 'weightedClusters'; clusters: WeightedCluster[]; totalWeight: number }
  | { kind: 'clusterHeader'; header: string };

export interface RouteAction {
  kind: 'route';
  cluster: ClusterSpecifier;
  prefixRewrite: string | undefined;
  regexRewrite: { pattern: string; substitution: string } | undefined;
  hostRewrite:
    | { kind: 'literal'; value: string }
    | { kind: 'auto' }
    | { kind: 'header'; header: string }
    | undefined;
  /** Route timeout; default 15000; 0 disables. */
  timeoutMs: number;
  /** Stream idle timeout override for this route; undefined means the HCM's. */
  idleTimeoutMs: number | undefined;
  hashPolicy: HashPolicy[];
  /** Overrides HCM upgrade_configs per upgrade type. */
  upgradeConfigs: UpgradeConfig[];
  maxStreamDurationMs: number | undefined;
  grpcTimeoutHeaderMaxMs: number | undefined;
  /** Optional; absent means the virtual host's, else none. */
  retryPolicy?: RetryPolicy | undefined;
  /** Optional; absent means the virtual host's, else none. */
  requestMirrorPolicies?: RequestMirrorPolicy[] | undefined;
  /** Optional; absent means none. */
  rateLimits?: RateLimitPolicy[];
  /** Also apply the virtual host's rate limits. Optional; absent means false. */
  includeVhRateLimits?: boolean;
  /** Which circuit breaker thresholds apply. Optional; absent means DEFAULT. */
  priority?: 'DEFAULT' | 'HIGH';
}

export interface RedirectAction {
  kind: 'redirect';
  schemeRedirect: string | undefined;
  hostRedirect: string | undefined;
  portRedirect: number | undefined;
  pathRewrite:
    | { kind: 'path'; value: string }
    | { kind: 'prefix'; value: string }
    | { kind: 'regex'; pattern: string; substitution: string }
    | undefined;
  /** 301, 302, 303, 307 or 308. */
  responseCode: number;
  stripQuery: boolean;
}

export interface DirectResponseAction {
  kind: 'directResponse';
  status: number;
  body: DataSource | undefined;
}

// ---------------------------------------------------------------- clusters

export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV';

export interface Cluster {
  name: string;
  type: 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS' | 'ORIGINAL_DST';
  connectTimeoutMs: number;
  lbPolicy: LbPolicy;
  /** ORIGINAL_DST clusters: how long an unused host is kept. */
  cleanupIntervalMs: number;
  loadAssignment: ClusterLoadAssignment | undefined;
  /** For EDS clusters: the name to ask EDS for (defaults to the cluster name). */
  edsServiceName: string | undefined;
  /** For EDS clusters: how long the cluster warms without endpoints (default 15000; 0 forever). */
  edsInitialFetchTimeoutMs?: number;
  dnsLookupFamily: 'AUTO' | 'V4_ONLY' | 'V6_ONLY' | 'V4_PREFERRED' | 'ALL';
  dnsRefreshRateMs: number;
  /** Upstream HTTP protocol for this cluster. `downstream` follows the downstream protocol. */
  protocol: 'http1' | 'http2' | 'downstream';
  http2: Http2ProtocolOptions;
  /** Upstream connection idle timeout; default 3600000; 0 disables. */
  idleTimeoutMs: number;
  /** 0 means unlimited. */
  maxRequestsPerConnection: number;
  transportSocket: UpstreamTlsContext | undefined;
  /**
   * Per-endpoint transport sockets (auto mTLS): the first whose `match` is contained in an endpoint's
   * `envoy.transport_socket_match` metadata applies; endpoints matching none use `transportSocket`. Absent when
   * the cluster has none.
   */
  transportSocketMatches?: TransportSocketMatch[];
  perConnectionBufferLimitBytes: number;
  ringHash: { minimumRingSize: number; maximumRingSize: number };
  maglev: { tableSize: number };
  /**
   * `activeRequestBias` (default 1.0) shapes weighted least request:
   * effective weight = weight / (activeRequests + 1) ^ activeRequestBias.
   */
  leastRequest: { choiceCount: number; activeRequestBias?: number };
  /** Percent; default 50. */
  healthyPanicThresholdPercent: number;
  localityWeightedLb: boolean;
  /** Circuit breaker thresholds. Optional; absent means Envoy's defaults for both priorities. */
  circuitBreakers?: CircuitBreakers;
  /** Optional; absent means no outlier detection. */
  outlierDetection?: ClusterOutlierDetection | undefined;
  /** Active health checks. Optional; absent means none. */
  healthChecks?: HealthCheck[];
  /** Slow start for new hosts (round robin, least request). Optional; absent means none. */
  slowStart?: SlowStartConfig | undefined;
}

export interface CircuitBreakers {
  default: CircuitBreakerThresholds;
  high: CircuitBreakerThresholds;
}

export interface CircuitBreakerThresholds {
  /** Envoy's default 1024. */
  maxConnections: number;
  /** Envoy's default 1024. */
  maxPendingRequests: number;
  /** Envoy's default 1024. */
  maxRequests: number;
  /** Envoy's default 3; ignored when `retryBudget` is set. */
  maxRetries: number;
  retryBudget: { budgetPercent: number; minRetryConcurrency: number } | undefined;
  /** Publish `remaining_*` gauges. */
  trackRemaining: boolean;
}

export interface ClusterOutlierDetection {
  /** 0 disables. Envoy defaults: 5 consecutive 5xx (enforced 100%), gateway failures 5 (enforced 0%). */
  consecutive5xx: number;
  consecutiveGatewayFailure: number;
  consecutiveLocalOriginFailure: number;
  /** Percent chance an ejection found by each detector is enforced. */
  enforcingConsecutive5xx: number;
  enforcingConsecutiveGatewayFailure: number;
  enforcingConsecutiveLocalOriginFailure: number;
  enforcingSuccessRate: number;
  enforcingFailurePercentage: number;
  enforcingLocalOriginSuccessRate: number;
  enforcingFailurePercentageLocalOrigin: number;
  splitExternalLocalOriginErrors: boolean;
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionTimeMs: number;
  maxEjectionTimeJitterMs: number;
  maxEjectionPercent: number;
  successRateMinimumHosts: number;
  successRateRequestVolume: number;
  /** Divided by 1000 to get the factor of the standard deviation (Envoy's default 1900). */
  successRateStdevFactor: number;
  failurePercentageThreshold: number;
  failurePercentageMinimumHosts: number;
  failurePercentageRequestVolume: number;
  /** A passing active health check returns an ejected host to service; default true. */
  successfulActiveHealthCheckUnejectHost: boolean;
}

export interface HealthCheck {
  timeoutMs: number;
  intervalMs: number;
  /** Interval while the cluster has seen no traffic; Envoy's default 60 s. */
  noTrafficIntervalMs: number;
  /** Interval for a host that is unhealthy; default `intervalMs`. */
  unhealthyIntervalMs: number;
  initialJitterMs: number;
  intervalJitterMs: number;
  /** Percent of the interval added as jitter. */
  intervalJitterPercent: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  check:
    | {
        kind: 'http';
        host: string;
        path: string;
        /** Half-open ranges [start, end); default [[200, 201)]. */
        expectedStatuses: { start: number; end: number }[];
        requestHeadersToAdd: HeaderValueOption[];
        requestHeadersToRemove: string[];
        method: string;
      }
    | { kind: 'tcp'; send: Uint8Array | undefined; receive: Uint8Array[] };
}

export interface SlowStartConfig {
  windowMs: number;
  /** Default 1.0 (linear). */
  aggression: number;
  /** Default 10. */
  minWeightPercent: number;
}

export interface TransportSocketMatch {
  name: string;
  /** String values the endpoint's `envoy.transport_socket_match` metadata must have. */
  match: Record<string, string>;
  /** undefined: plaintext. */
  transportSocket: UpstreamTlsContext | undefined;
}

export interface ClusterLoadAssignment {
  clusterName: string;
  endpoints: LocalityLbEndpoints[];
  /** Percent; default 140. */
  overprovisioningFactor: number;
}

export interface LocalityLbEndpoints {
  locality: Locality | undefined;
  lbEndpoints: LbEndpoint[];
  /** Locality weight, used only with locality-weighted LB; 0 when unset. */
  loadBalancingWeight: number;
  priority: number;
}

export interface LbEndpoint {
  address: SocketAddress;
  hostname: string;
  healthStatus: 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';
  loadBalancingWeight: number;
  /** String values of the endpoint's `envoy.transport_socket_match` filter metadata; absent when none. */
  transportSocketMatch?: Record<string, string>;
}

export type * from './security/security-types.ts';
