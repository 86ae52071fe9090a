/** Static bootstraps shaped like Istio sidecars: node metadata, one listener with a direction. */
import { hcm, listener, routeConfig, staticCluster } from './bootstrap.ts';

type Json = Record<string, unknown>;

export function meshNode(id: string, labels: Record<string, string>, workload: string): Json {
  return {
    id,
    cluster: labels['app'],
    metadata: { NAMESPACE: 'default', LABELS: labels, WORKLOAD_NAME: workload },
    locality: { zone: 'z1' },
  };
}

export interface SidecarSpec {
  node: Json;
  name: string;
  /** 0 for any. */
  port: number;
  direction: 'INBOUND' | 'OUTBOUND';
  cluster: string;
  upstreamPort: number;
  /** Extra HCM fields (tracing, access_log). */
  hcmExtra?: Json;
  /** Extra static clusters (collectors). */
  clusters?: Json[];
}

export function sidecarBootstrap(s: SidecarSpec): Json {
  const route = routeConfig([{ match: { prefix: '/' }, route: { cluster: s.cluster } }]);
  const l = listener(s.name, [{ filters: [hcm(route, { stat_prefix: s.name, ...s.hcmExtra })] }], {
    traffic_direction: s.direction,
  });
  (l['address'] as { socket_address: { port_value: number } }).socket_address.port_value = s.port;
  return {
    node: s.node,
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    static_resources: {
      listeners: [l],
      clusters: [staticCluster(s.cluster, [s.upstreamPort]), ...(s.clusters ?? [])],
    },
  };
}

export function otelTracing(cluster: string, samplingPercent = 100): Json {
  return {
    random_sampling: { value: samplingPercent },
    provider: {
      name: 'envoy.tracers.opentelemetry',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig',
        http_service: { http_uri: { uri: 'http://otel:4318/v1/traces', cluster, timeout: '1s' } },
        service_name: 'client.default',
      },
    },
  };
}

export function zipkinTracing(cluster: string, samplingPercent = 100): Json {
  return {
    random_sampling: { value: samplingPercent },
    provider: {
      name: 'envoy.tracers.zipkin',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.config.trace.v3.ZipkinConfig',
        collector_cluster: cluster,
        collector_endpoint: '/api/v2/spans',
        collector_endpoint_version: 'HTTP_JSON',
      },
    },
  };
}
