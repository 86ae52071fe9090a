import type { RbacConfig } from './security/security-types.ts';
/**
 * Validated Envoy xDS v3 resources: the subset Tandem supports, after validation.
 *
 * Raw YAML/JSON/protobuf never reaches the proxy; `validateBootstrap` (and later the xDS client)
 * turns it into these types. Names are camelCase, durations are milliseconds (`...Ms`), defaults
 * are filled in, and every oneof is a discriminated union with a `kind`.
 */

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

export interface TcpProxy {
  statPrefix: string;
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
}

export interface Route {
  name: string;
  match: RouteMatch;
  action: RouteAction | RedirectAction | DirectResponseAction;
  headers: HeaderMutations;
}

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
  type: 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'EDS';
  connectTimeoutMs: number;
  lbPolicy: LbPolicy;
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
