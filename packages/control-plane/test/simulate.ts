/**
 * Simulation: sends a described request through the resources translation generated, using the
 * proxy's own validator and route compiler (the code a Tandem sidecar runs), and reports the
 * cluster and endpoints it lands on. Istio's pilot tests config the same way.
 */
import { formatConfigIssue, RESOURCE_TYPE_URLS, validateResource } from '@tandem/api';
import { type CompiledRoute, compileRouteConfiguration, HeaderMap, type RequestHead } from '@tandem/proxy';
import type { XdsResources } from '../src/translate/xds-resources.ts';

export interface SimRequest {
  /** Route configuration to use: `<port>` for a sidecar's outbound port, or `http_proxy`. */
  routeConfig: string;
  authority: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface SimResult {
  status: 'routed' | 'redirect' | 'direct' | 'no-route';
  cluster: string | undefined;
  /** `address:port` of the cluster's endpoints (from its CLA, or inline for DNS clusters). */
  endpoints: string[];
  path: string;
  authority: string;
  /** The compiled route the request matched (its retry policy, mirrors, per-filter configs). */
  route?: CompiledRoute;
}

export function simulate(resources: XdsResources, req: SimRequest, randomUint = 0): SimResult {
  const raw = resources.routes.get(req.routeConfig);
  if (raw === undefined) throw new Error(`no route configuration "${req.routeConfig}"`);
  const v = validateResource(RESOURCE_TYPE_URLS.routeConfiguration, raw);
  if (!v.ok)
    throw new Error(
      `generated route configuration is invalid:\n${v.errors.map(formatConfigIssue).join('\n')}`,
    );
  const table = compileRouteConfiguration(v.resource);
  const head: RequestHead = {
    method: req.method ?? 'GET',
    path: req.path ?? '/',
    authority: req.authority,
    scheme: 'http',
    headers: new HeaderMap(Object.entries(req.headers ?? {}).flatMap(([k, val]) => [k.toLowerCase(), val])),
    protocol: 'HTTP/1.1',
  };
  const route = table.matchRoute(head);
  if (route === undefined)
    return {
      status: 'no-route',
      cluster: undefined,
      endpoints: [],
      path: head.path,
      authority: head.authority,
    };
  const action = route.action;
  if (action.kind === 'redirect')
    return {
      status: 'redirect',
      cluster: undefined,
      endpoints: [],
      path: action.buildLocation(head),
      authority: head.authority,
    };
  if (action.kind === 'directResponse')
    return {
      status: 'direct',
      cluster: undefined,
      endpoints: [],
      path: head.path,
      authority: head.authority,
    };
  const cluster = action.pickCluster(head, randomUint)?.name;
  action.rewriteHost(head);
  action.rewritePath(head, true);
  return {
    status: 'routed',
    cluster,
    endpoints: cluster ? endpointsOf(resources, cluster) : [],
    path: head.path,
    authority: head.authority,
    route,
  };
}

export function endpointsOf(resources: XdsResources, cluster: string): string[] {
  const c = resources.clusters.get(cluster) as { load_assignment?: unknown } | undefined;
  const cla = (resources.endpoints.get(cluster) ?? c?.load_assignment) as
    | {
        endpoints?: {
          lb_endpoints: {
            endpoint: { address: { socket_address: { address: string; port_value: number } } };
          }[];
        }[];
      }
    | undefined;
  return (cla?.endpoints ?? []).flatMap((l) =>
    l.lb_endpoints.map(
      (e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`,
    ),
  );
}

/** Every generated resource must pass the proxy's validator: the proxy would NACK anything else. */
export function assertAllValid(resources: XdsResources): void {
  const sets: [string, Map<string, Record<string, unknown>>][] = [
    [RESOURCE_TYPE_URLS.listener, resources.listeners],
    [RESOURCE_TYPE_URLS.routeConfiguration, resources.routes],
    [RESOURCE_TYPE_URLS.cluster, resources.clusters],
    [RESOURCE_TYPE_URLS.clusterLoadAssignment, resources.endpoints],
  ];
  const problems: string[] = [];
  for (const [type, map] of sets) {
    for (const [name, json] of map) {
      const v = validateResource(type, json);
      if (!v.ok) problems.push(`${name}: ${v.errors.map(formatConfigIssue).join('; ')}`);
    }
  }
  if (problems.length > 0)
    throw new Error(`generated resources the proxy would reject:\n${problems.join('\n')}`);
}
