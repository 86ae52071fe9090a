/**
 * Raw xDS resources (proto3 JSON, as a management server sends them) for tests, and their
 * validated domain form (what the xDS client hands the proxy's apply API).
 */
import { formatConfigIssue, RESOURCE_TYPE_URLS, validateResource, type XdsResourceTypes } from '@tandem/api';
import { hcm, routeConfig, staticCluster } from './bootstrap.ts';

type Json = Record<string, unknown>;

export const TYPE = RESOURCE_TYPE_URLS;

const ADS = { ads: {}, resource_api_version: 'V3' };

/** A listener on 127.0.0.1:`port` whose HCM gets route configuration `rds` over RDS. */
export function rdsListener(name: string, rds: string, port = 0, extra: Json = {}): Json {
  const filter = hcm(
    {},
    { route_config: undefined, rds: { route_config_name: rds, config_source: ADS }, ...extra },
  );
  return listenerWith(name, port, filter);
}

/** A listener on 127.0.0.1:`port` routing everything to `cluster` (inline route config). */
export function inlineListener(name: string, cluster: string, port = 0): Json {
  return listenerWith(name, port, hcm(routeConfig([{ match: { prefix: '/' }, route: { cluster } }])));
}

function listenerWith(name: string, port: number, filter: Json): Json {
  const typed = filter.typed_config as Json;
  if (typed.route_config === undefined) delete typed.route_config;
  return {
    '@type': TYPE.listener,
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{ filters: [filter] }],
  };
}

/** A route configuration `name` sending `/` to `cluster`. */
export function routeResource(name: string, cluster: string): Json {
  return {
    '@type': TYPE.routeConfiguration,
    name,
    virtual_hosts: [
      { name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] },
    ],
  };
}

/** A STATIC cluster with endpoints on 127.0.0.1. */
export function staticClusterResource(name: string, ports: number[]): Json {
  return { '@type': TYPE.cluster, ...staticCluster(name, ports) };
}

/** An EDS cluster fed over ADS (service name = cluster name unless given). */
export function edsClusterResource(name: string, serviceName = '', extra: Json = {}): Json {
  return {
    '@type': TYPE.cluster,
    name,
    type: 'EDS',
    connect_timeout: '1s',
    eds_cluster_config: { eds_config: ADS, ...(serviceName === '' ? {} : { service_name: serviceName }) },
    ...extra,
  };
}

/** A ClusterLoadAssignment with endpoints on 127.0.0.1. */
export function endpointsResource(clusterName: string, ports: number[]): Json {
  return {
    '@type': TYPE.clusterLoadAssignment,
    cluster_name: clusterName,
    endpoints: [
      {
        lb_endpoints: ports.map((p) => ({
          endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: p } } },
        })),
      },
    ],
  };
}

/** The validated domain value of a raw resource; throws with the issues if it is invalid. */
export function validated<U extends keyof XdsResourceTypes>(typeUrl: U, raw: Json): XdsResourceTypes[U] {
  const result = validateResource(typeUrl, raw);
  if (!result.ok)
    throw new Error(`invalid test resource:\n${result.errors.map(formatConfigIssue).join('\n')}`);
  return result.resource;
}
