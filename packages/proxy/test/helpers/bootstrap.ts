/**
 * Builds raw Envoy v3 bootstraps (proto3 JSON, as a user would write them) for tests: listeners on
 * port 0, STATIC clusters pointing at test backends. Tests go through the same validation as the
 * CLI.
 */
export const HCM_TYPE =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const ROUTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
export const TCP_PROXY_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

type Json = Record<string, unknown>;

export function staticCluster(name: string, ports: number[], extra: Json = {}): Json {
  return {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    lb_policy: 'ROUND_ROBIN',
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: ports.map((p) => ({
            endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: p } } },
          })),
        },
      ],
    },
    ...extra,
  };
}

export function hcm(routeConfig: Json, extra: Json = {}): Json {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': HCM_TYPE,
      stat_prefix: 'ingress_http',
      codec_type: 'AUTO',
      route_config: routeConfig,
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER_TYPE } }],
      ...extra,
    },
  };
}

export function listener(name: string, filterChains: Json[], extra: Json = {}): Json {
  return {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
    filter_chains: filterChains,
    ...extra,
  };
}

export function bootstrap(listeners: Json[], clusters: Json[], secrets: Json[] = []): Json {
  return {
    node: { id: 'test', cluster: 'test' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    static_resources: { listeners, clusters, ...(secrets.length > 0 ? { secrets } : {}) },
  };
}

/** One virtual host `*` with the given routes. */
export function routeConfig(routes: Json[], extra: Json = {}): Json {
  return { name: 'local_route', virtual_hosts: [{ name: 'all', domains: ['*'], routes }], ...extra };
}

export interface EndpointSpec {
  port: number;
  address?: string;
  /** load_balancing_weight; unset: Envoy's default 1. */
  weight?: number;
  priority?: number;
  /** e.g. UNHEALTHY */
  healthStatus?: string;
}

/** A STATIC cluster whose endpoints carry weights, priorities and health statuses. */
export function endpointsCluster(name: string, endpoints: EndpointSpec[], extra: Json = {}): Json {
  const priorities = [...new Set(endpoints.map((e) => e.priority ?? 0))].sort((a, b) => a - b);
  return {
    name,
    type: 'STATIC',
    connect_timeout: '1s',
    load_assignment: {
      cluster_name: name,
      endpoints: priorities.map((priority) => ({
        priority,
        lb_endpoints: endpoints
          .filter((e) => (e.priority ?? 0) === priority)
          .map((e) => ({
            endpoint: {
              address: { socket_address: { address: e.address ?? '127.0.0.1', port_value: e.port } },
            },
            ...(e.weight !== undefined ? { load_balancing_weight: e.weight } : {}),
            ...(e.healthStatus !== undefined ? { health_status: e.healthStatus } : {}),
          })),
      })),
    },
    ...extra,
  };
}
