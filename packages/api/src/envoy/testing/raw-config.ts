/**
 * Builders of raw (unvalidated) Envoy config for tests: the smallest valid pieces, to be extended per test.
 */
import type { ConfigIssue } from '../config-issue.ts';

export const HCM_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const TCP_PROXY_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
export const DOWNSTREAM_TLS_TYPE_URL =
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
export const UPSTREAM_TLS_TYPE_URL =
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

type Raw = Record<string, unknown>;

export const routerFilter: Raw = {
  name: 'envoy.filters.http.router',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
};

/** A route configuration with one virtual host `vh` for `*` routing `/` to `cluster`. */
export function routeConfig(cluster = 'backend', extra: Raw = {}): Raw {
  return {
    name: 'local',
    virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }],
    ...extra,
  };
}

/** An HCM typed_config around `route_config`. */
export function hcm(route_config: Raw = routeConfig(), extra: Raw = {}): Raw {
  return {
    '@type': HCM_TYPE_URL,
    stat_prefix: 'ingress',
    route_config,
    http_filters: [routerFilter],
    ...extra,
  };
}

export function listener(name = 'ingress', port = 10000, typedConfig: Raw = hcm(), extra: Raw = {}): Raw {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [
      { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: typedConfig }] },
    ],
    ...extra,
  };
}

export function staticCluster(name = 'backend', address = '127.0.0.1', extra: Raw = {}): Raw {
  return {
    name,
    type: 'STATIC',
    load_assignment: {
      cluster_name: name,
      endpoints: [
        { lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: 8080 } } } }] },
      ],
    },
    ...extra,
  };
}

export function bootstrap(
  resources: { listeners?: Raw[]; clusters?: Raw[]; secrets?: Raw[] } = {},
  extra: Raw = {},
): Raw {
  return {
    static_resources: {
      listeners: resources.listeners ?? [listener()],
      clusters: resources.clusters ?? [staticCluster()],
      ...(resources.secrets === undefined ? {} : { secrets: resources.secrets }),
    },
    ...extra,
  };
}

/** `[path, message]` pairs, the shape most assertions compare. */
export function issues(list: readonly ConfigIssue[]): [string, string][] {
  return list.map((issue) => [issue.path, issue.message]);
}
