/**
 * Validated Istio config (networking.istio.io v1/v1beta1/v1alpha3, security.istio.io v1/v1beta1)
 * and the Kubernetes objects that declare services: the shapes the control plane works on after
 * `validateIstioObject` has checked them. Names follow Istio's YAML (camelCase); durations are
 * milliseconds (`...Ms`); percentages are numbers in [0, 100]; defaults are filled in.
 */

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Where the object came from (file path, or `kube`), for messages. */
  source: string;
}

/** A config object of any supported kind, as the control plane stores it. */
export type IstioObject =
  | { kind: 'VirtualService'; meta: ObjectMeta; spec: VirtualService }
  | { kind: 'DestinationRule'; meta: ObjectMeta; spec: DestinationRule }
  | { kind: 'ServiceEntry'; meta: ObjectMeta; spec: ServiceEntry }
  | { kind: 'WorkloadEntry'; meta: ObjectMeta; spec: WorkloadEntry }
  | { kind: 'Sidecar'; meta: ObjectMeta; spec: Sidecar }
  | { kind: 'Gateway'; meta: ObjectMeta; spec: Gateway }
  | { kind: 'Telemetry'; meta: ObjectMeta; spec: Telemetry }
  | { kind: 'EnvoyFilter'; meta: ObjectMeta; spec: EnvoyFilter }
  | { kind: 'PeerAuthentication'; meta: ObjectMeta; spec: PeerAuthentication }
  | { kind: 'AuthorizationPolicy'; meta: ObjectMeta; spec: AuthorizationPolicy }
  | { kind: 'RequestAuthentication'; meta: ObjectMeta; spec: RequestAuthentication }
  | { kind: 'Service'; meta: ObjectMeta; spec: KubeService }
  | { kind: 'Endpoints'; meta: ObjectMeta; spec: KubeEndpoints }
  | { kind: 'EndpointSlice'; meta: ObjectMeta; spec: KubeEndpointSlice };

export type IstioKind = IstioObject['kind'];

// ---------------------------------------------------------------- common

export type StringMatch =
  | { kind: 'exact'; value: string }
  | { kind: 'prefix'; value: string }
  | { kind: 'regex'; value: string };

export interface PortSelector {
  number: number;
}

export interface Destination {
  /** As written (short names like `reviews` are resolved against the object's namespace). */
  host: string;
  subset: string;
  /** 0 when unset. */
  port: number;
}

export interface HeaderOperations {
  set: Record<string, string>;
  add: Record<string, string>;
  remove: string[];
}

export interface Headers {
  request: HeaderOperations | undefined;
  response: HeaderOperations | undefined;
}

// ---------------------------------------------------------------- VirtualService

export interface VirtualService {
  hosts: string[];
  gateways: string[];
  http: HttpRoute[];
  tcp: TcpRoute[];
  /** SNI routes; applied on gateways (TLS PASSTHROUGH servers), reported as not applied to the mesh. */
  tls: TlsRoute[];
  exportTo: string[];
}

export interface HttpRoute {
  name: string;
  match: HttpMatchRequest[];
  route: HttpRouteDestination[];
  redirect: HttpRedirect | undefined;
  directResponse: { status: number; body: string | undefined } | undefined;
  rewrite: HttpRewrite | undefined;
  timeoutMs: number | undefined;
  retries: HttpRetry | undefined;
  fault: HttpFaultInjection | undefined;
  /** `mirror` + `mirrorPercentage`, and `mirrors`, merged into one list. */
  mirrors: HttpMirrorPolicy[];
  corsPolicy: CorsPolicy | undefined;
  headers: Headers | undefined;
}

export interface HttpMatchRequest {
  name: string;
  uri: StringMatch | undefined;
  scheme: StringMatch | undefined;
  method: StringMatch | undefined;
  authority: StringMatch | undefined;
  headers: Record<string, StringMatch | { kind: 'present' }>;
  withoutHeaders: Record<string, StringMatch | { kind: 'present' }>;
  queryParams: Record<string, StringMatch | { kind: 'present' }>;
  /** 0 when unset. */
  port: number;
  sourceLabels: Record<string, string>;
  sourceNamespace: string;
  gateways: string[];
  ignoreUriCase: boolean;
}

export interface HttpRouteDestination {
  destination: Destination;
  /** Relative weight; 0 when unset (then a single destination gets 100). */
  weight: number;
  headers: Headers | undefined;
}

export interface HttpRedirect {
  uri: string;
  authority: string;
  port: number;
  scheme: string;
  /** Default 301. */
  redirectCode: number;
}

export interface HttpRewrite {
  uri: string;
  authority: string;
  uriRegexRewrite: { match: string; rewrite: string } | undefined;
}

export interface HttpRetry {
  attempts: number;
  perTryTimeoutMs: number | undefined;
  /** Comma-separated Envoy retry_on conditions and/or status codes, as Istio writes them. */
  retryOn: string;
  retryRemoteLocalities: boolean;
  /** Retries go to hosts not tried yet (default true). */
  retryIgnorePreviousHosts: boolean;
  /** Base back-off interval; undefined: Envoy's 25 ms. */
  backoffMs: number | undefined;
}

export interface HttpFaultInjection {
  delay: { fixedDelayMs: number; percentage: number } | undefined;
  abort: { httpStatus: number | undefined; grpcStatus: string | undefined; percentage: number } | undefined;
}

export interface HttpMirrorPolicy {
  destination: Destination;
  /** Default 100. */
  percentage: number;
}

export interface CorsPolicy {
  allowOrigins: StringMatch[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeMs: number | undefined;
  allowCredentials: boolean | undefined;
}

export interface L4MatchAttributes {
  /** 0 when unset. */
  port: number;
  destinationSubnets: string[];
  sourceLabels: Record<string, string>;
  /** As written (`name`, `ns/name`, `mesh`); resolve with `resolveGatewayName`. */
  gateways: string[];
}

export interface TcpRoute {
  match: L4MatchAttributes[];
  route: { destination: Destination; weight: number }[];
}

export interface TlsRoute {
  /** At least one; each with at least one SNI host. */
  match: (L4MatchAttributes & { sniHosts: string[] })[];
  route: { destination: Destination; weight: number }[];
}

// ---------------------------------------------------------------- DestinationRule

export interface DestinationRule {
  host: string;
  trafficPolicy: TrafficPolicy | undefined;
  subsets: Subset[];
  exportTo: string[];
  workloadSelector: Record<string, string> | undefined;
}

export interface Subset {
  name: string;
  labels: Record<string, string>;
  trafficPolicy: TrafficPolicy | undefined;
}

export interface TrafficPolicy {
  loadBalancer: LoadBalancerSettings | undefined;
  connectionPool: ConnectionPoolSettings | undefined;
  outlierDetection: OutlierDetection | undefined;
  tls: ClientTlsSettings | undefined;
  portLevelSettings: (Omit<TrafficPolicy, 'portLevelSettings'> & { port: number })[];
}

export type LoadBalancerSettings = (
  | {
      kind: 'simple';
      simple: 'UNSPECIFIED' | 'RANDOM' | 'PASSTHROUGH' | 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'LEAST_CONN';
    }
  | { kind: 'consistentHash'; consistentHash: ConsistentHash }
  /** Only locality or warm-up settings: the policy is the default (round robin). */
  | { kind: 'default' }
) & {
  localityLbSetting?: LocalityLbSetting | undefined;
  /** Slow start for new endpoints (`warmupDurationSecs` or `warmup`). */
  warmup?: { durationMs: number; minimumPercent: number; aggression: number } | undefined;
};

export interface LocalityLbSetting {
  /** `from` locality pattern (`region/zone/subzone`, `*` wildcards) -> weights by `to` pattern. */
  distribute: { from: string; to: Record<string, number> }[];
  failover: { from: string; to: string }[];
  failoverPriority: string[];
  /** Undefined: the mesh default (enabled). */
  enabled: boolean | undefined;
}

export interface ConsistentHash {
  key:
    | { kind: 'httpHeaderName'; name: string }
    | { kind: 'httpCookie'; name: string; path: string; ttlMs: number | undefined }
    | { kind: 'useSourceIp' }
    | { kind: 'httpQueryParameterName'; name: string };
  algorithm: { kind: 'ringHash'; minimumRingSize: number } | { kind: 'maglev'; tableSize: number };
}

export interface ConnectionPoolSettings {
  tcp: { maxConnections: number | undefined; connectTimeoutMs: number | undefined } | undefined;
  http:
    | {
        http1MaxPendingRequests: number | undefined;
        http2MaxRequests: number | undefined;
        maxRequestsPerConnection: number | undefined;
        maxRetries: number | undefined;
        idleTimeoutMs: number | undefined;
        h2UpgradePolicy: 'DEFAULT' | 'DO_NOT_UPGRADE' | 'UPGRADE';
      }
    | undefined;
}

export interface OutlierDetection {
  consecutive5xxErrors: number | undefined;
  consecutiveGatewayErrors: number | undefined;
  consecutiveLocalOriginFailures: number | undefined;
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionPercent: number;
  minHealthPercent: number;
}

export interface ClientTlsSettings {
  mode: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
  clientCertificate: string;
  privateKey: string;
  caCertificates: string;
  credentialName: string;
  subjectAltNames: string[];
  sni: string;
  insecureSkipVerify: boolean;
}

// ---------------------------------------------------------------- ServiceEntry / WorkloadEntry

export type ServiceProtocol =
  | 'HTTP'
  | 'HTTPS'
  | 'HTTP2'
  | 'GRPC'
  | 'GRPC-WEB'
  | 'TCP'
  | 'TLS'
  | 'MONGO'
  | 'REDIS'
  | 'MYSQL'
  | 'UDP'
  /** Sidecar egress listeners only: a generic outbound HTTP proxy port. */
  | 'HTTP_PROXY';

export interface ServicePort {
  number: number;
  /** Upper-case; derived from the port name prefix (`http-`, `grpc-`, ...) when unset, else TCP. */
  protocol: ServiceProtocol;
  name: string;
  /** 0 when unset (same as number). */
  targetPort: number;
}

export interface ServiceEntry {
  hosts: string[];
  addresses: string[];
  ports: ServicePort[];
  location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  resolution: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  endpoints: WorkloadEntry[];
  workloadSelector: Record<string, string> | undefined;
  exportTo: string[];
  subjectAltNames: string[];
}

export interface WorkloadEntry {
  address: string;
  /** Port name -> target port number. */
  ports: Record<string, number>;
  labels: Record<string, string>;
  network: string;
  /** `region/zone/subzone`. */
  locality: string;
  /** 0 when unset. */
  weight: number;
  serviceAccount: string;
}

// ---------------------------------------------------------------- Sidecar

export interface Sidecar {
  workloadSelector: Record<string, string> | undefined;
  ingress: { port: ServicePort; bind: string; defaultEndpoint: string }[];
  egress: { port: ServicePort | undefined; bind: string; hosts: string[] }[];
  outboundTrafficPolicy: { mode: 'ALLOW_ANY' | 'REGISTRY_ONLY' } | undefined;
}

// ---------------------------------------------------------------- Gateway

export interface Gateway {
  /** Labels of the gateway proxies (in any namespace) this Gateway configures; empty selects every one. */
  selector: Record<string, string>;
  servers: GatewayServer[];
}

export interface GatewayServer {
  port: GatewayPort;
  /** IP address or `unix://path` the listener binds; `''` for the proxy's wildcard address. */
  bind: string;
  /**
   * As written, `namespace/host`: the namespace is a name, `.` (the Gateway's own) or `*` (any); host may
   * be a wildcard (`*`, `*.example.com`). A bare host (no `/`) is visible from any namespace.
   */
  hosts: string[];
  tls: ServerTlsSettings | undefined;
  /** Optional server name (stats prefix); `''` when unset. */
  name: string;
}

export interface GatewayPort {
  /** 0 only when the server binds a Unix socket. */
  number: number;
  protocol: ServiceProtocol;
  name: string;
  /** Istio rejects a non-zero targetPort on Gateways, so a validated Gateway always has 0. */
  targetPort: number;
}

export type ServerTlsMode =
  | 'PASSTHROUGH'
  | 'SIMPLE'
  | 'MUTUAL'
  | 'AUTO_PASSTHROUGH'
  | 'ISTIO_MUTUAL'
  | 'OPTIONAL_MUTUAL';

export type TlsProtocolVersion = 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';

export interface ServerTlsSettings {
  /** Plain-text HTTP servers: answer every request with a 301 to https. */
  httpsRedirect: boolean;
  /** Default PASSTHROUGH (Istio's enum zero value). */
  mode: ServerTlsMode;
  /** File paths; `''` when unset. */
  serverCertificate: string;
  privateKey: string;
  caCertificates: string;
  /** A secret (Kubernetes or SDS) holding the key and certificates; `''` when unset. */
  credentialName: string;
  subjectAltNames: string[];
  minProtocolVersion: TlsProtocolVersion;
  maxProtocolVersion: TlsProtocolVersion;
  cipherSuites: string[];
}

// ---------------------------------------------------------------- EnvoyFilter

/**
 * EnvoyFilter: patches to the generated Envoy config. Tandem applies the patches marked `supported`
 * (HTTP_FILTER inserts and HTTP_ROUTE merges on sidecars); the others were reported as not supported
 * when the object was read, and are kept only so the control plane can name them.
 */
export interface EnvoyFilter {
  workloadSelector: Record<string, string> | undefined;
  priority: number;
  configPatches: EnvoyConfigPatch[];
}

export interface EnvoyConfigPatch {
  applyTo: string;
  match: {
    context: 'ANY' | 'SIDECAR_INBOUND' | 'SIDECAR_OUTBOUND' | 'GATEWAY' | 'WAYPOINT';
    /** 0 when unset. */
    listenerPort: number;
    listenerName: string;
    /** Network filter name the HTTP filter patch applies in ('' for any). */
    filterName: string;
    /** HTTP filter to insert before/after ('' for none). */
    subFilterName: string;
    /** 0 when unset. */
    routePort: number;
    routeConfigName: string;
    vhostName: string;
    routeName: string;
    routeAction: 'ANY' | 'ROUTE' | 'REDIRECT' | 'DIRECT_RESPONSE';
  };
  operation: string;
  /** The patch value as written (Envoy proto3 JSON). */
  value: Record<string, unknown> | undefined;
  /** Whether Tandem applies this patch. */
  supported: boolean;
}

// ---------------------------------------------------------------- security (translated by the security issue)

export interface PeerAuthentication {
  selector: Record<string, string> | undefined;
  mtls: { mode: 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT' } | undefined;
  portLevelMtls: Record<string, { mode: 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT' }>;
}

/** A Service, ServiceEntry or Gateway (in the policy's namespace) a policy attaches to, instead of a selector. */
export interface PolicyTargetRef {
  /** `""` for the core group (Service). */
  group: string;
  kind: string;
  name: string;
}

export interface AuthorizationPolicy {
  selector: Record<string, string> | undefined;
  /** `targetRef` and `targetRefs` together. */
  targetRefs: PolicyTargetRef[];
  action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
  /** The external authorizer of a CUSTOM policy. */
  provider: { name: string } | undefined;
  /** Rules are kept as validated plain data; the security issue gives them types of their own. */
  rules: Record<string, unknown>[];
}

export interface RequestAuthentication {
  selector: Record<string, string> | undefined;
  /** `targetRef` and `targetRefs` together. */
  targetRefs: PolicyTargetRef[];
  jwtRules: Record<string, unknown>[];
}

// ---------------------------------------------------------------- Kubernetes service registry objects

export interface KubeService {
  selector: Record<string, string> | undefined;
  clusterIP: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  externalName: string;
  ports: {
    name: string;
    port: number;
    targetPort: number | string;
    protocol: 'TCP' | 'UDP' | 'SCTP';
    appProtocol: string;
    /** The protocol the mesh uses: from appProtocol, else the name prefix (`http-...`), else TCP (UDP for UDP). */
    meshProtocol: ServiceProtocol;
  }[];
}

export interface KubeEndpoints {
  subsets: {
    addresses: {
      ip: string;
      hostname: string;
      targetRef: { kind: string; name: string; namespace: string } | undefined;
    }[];
    notReadyAddresses: { ip: string }[];
    ports: { name: string; port: number; protocol: string }[];
  }[];
}

export interface KubeEndpointSlice {
  /** The Service this slice belongs to (label kubernetes.io/service-name). */
  serviceName: string;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: {
    addresses: string[];
    ready: boolean;
    zone: string;
    nodeName: string;
    targetRef: { kind: string; name: string } | undefined;
  }[];
  ports: { name: string; port: number; protocol: string; appProtocol: string }[];
}

// ---------------------------------------------------------------- Telemetry

/** telemetry.istio.io Telemetry, the fields Tandem applies. */
export interface Telemetry {
  /** Workload labels; undefined applies to the namespace (or the mesh, in the root namespace). */
  selector: Record<string, string> | undefined;
  tracing: {
    providers: string[];
    randomSamplingPercentage: number | undefined;
    disableSpanReporting: boolean | undefined;
  }[];
  accessLogging: { providers: string[]; disabled: boolean | undefined }[];
}
