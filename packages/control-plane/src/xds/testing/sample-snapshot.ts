import { ExtensionTypeUrls, TypeUrls } from '@tandem/xds-proto';
import { buildSnapshot, type Snapshot } from '../snapshot.ts';

type Json = Record<string, unknown>;

const ADS = { ads: {}, resource_api_version: 'V3' };

/** A listener whose HCM takes `routeName` over RDS. */
export function rdsListener(name: string, port: number, routeName: string): Json {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': ExtensionTypeUrls.httpConnectionManager,
              stat_prefix: name,
              rds: { route_config_name: routeName, config_source: ADS },
              http_filters: [
                { name: 'envoy.filters.http.router', typed_config: { '@type': ExtensionTypeUrls.router } },
              ],
            },
          },
        ],
      },
    ],
  };
}

export function routeTo(name: string, cluster: string): Json {
  return {
    name,
    virtual_hosts: [
      { name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] },
    ],
  };
}

export function edsCluster(name: string): Json {
  return { name, type: 'EDS', connect_timeout: '1s', eds_cluster_config: { eds_config: ADS } };
}

export function assignment(cluster: string, ...ports: number[]): Json {
  return {
    cluster_name: cluster,
    endpoints: [
      {
        locality: { zone: 'z1' },
        load_balancing_weight: 1,
        lb_endpoints: ports.map((port) => ({
          endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } },
        })),
      },
    ],
  };
}

export interface MeshShape {
  readonly version?: string;
  /** Cluster name -> endpoint ports. */
  readonly clusters?: Readonly<Record<string, readonly number[]>>;
  /** Listener name -> cluster its single route goes to. */
  readonly listeners?: Readonly<Record<string, string>>;
}

/** A consistent snapshot: each listener routes (over RDS `<listener>-routes`) to one EDS cluster. */
export function sampleSnapshot(shape: MeshShape = {}): Snapshot {
  const clusters = shape.clusters ?? { web: [8080], api: [9090] };
  const listeners = shape.listeners ?? { http: 'web' };
  const names = Object.keys(listeners);
  return buildSnapshot(shape.version ?? '1', {
    [TypeUrls.listener]: names.map((name, i) => rdsListener(name, 10000 + i, `${name}-routes`)),
    [TypeUrls.routeConfiguration]: names.map((name) => routeTo(`${name}-routes`, listeners[name]!)),
    [TypeUrls.cluster]: Object.keys(clusters).map(edsCluster),
    [TypeUrls.clusterLoadAssignment]: Object.entries(clusters).map(([name, ports]) =>
      assignment(name, ...ports),
    ),
  });
}
