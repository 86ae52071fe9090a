/**
 * What translation produces for one proxy: Envoy v3 resources in proto3 JSON form (snake_case
 * names, `@type` on every Any), keyed by resource name, plus notes on Istio fields the proxy could
 * not be given (so they are reported, never silently dropped).
 */
export const TYPE = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  fault: 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  upstreamTls: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  downstreamTls: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
} as const;

export type Json = Record<string, unknown>;

export interface XdsResources {
  listeners: Map<string, Json>;
  routes: Map<string, Json>;
  clusters: Map<string, Json>;
  endpoints: Map<string, Json>;
  /** Istio fields present in config that this proxy's resources could not express. */
  notes: string[];
}

export function emptyResources(): XdsResources {
  return { listeners: new Map(), routes: new Map(), clusters: new Map(), endpoints: new Map(), notes: [] };
}

/** Milliseconds as a proto3 JSON Duration ("1.5s"). */
export function duration(ms: number): string {
  return `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}
