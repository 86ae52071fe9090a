/**
 * `/config_dump`: the running config in the shape of Envoy's admin ConfigDump: the bootstrap,
 * then listeners, clusters, route configs and secrets, each with its static entries (from the
 * bootstrap as loaded) and its dynamic ones (as received over xDS, with `version_info` and
 * `last_updated`). Endpoints are added with `?include_eds`. `?resource=` keeps the dumps whose
 * type contains it. Private keys are redacted, as Envoy does.
 */
import type { ResourceMeta } from '../config/apply-result.ts';
import type { DynamicListenerDump } from '../listener/listener-manager.ts';
import type { AdminResponse, AdminTarget, DynamicConfigDump, NamedResourceMeta } from './admin-handler.ts';

const T = 'type.googleapis.com/envoy.admin.v3.';
const RESOURCE_TYPES = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  route_config: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  endpoint_config: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;

type Json = Record<string, unknown>;

export function configDumpHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  const raw = redact(t.rawConfig()) as Json;
  const dyn = t.dynamicConfig();
  const sr = (raw['static_resources'] ?? raw['staticResources'] ?? {}) as Record<string, unknown[]>;
  const listeners = sr['listeners'] ?? [];
  const routes = listeners.flatMap((l) => findRouteConfigs(l));
  const configs: Json[] = [
    { '@type': `${T}BootstrapConfigDump`, bootstrap: raw },
    {
      '@type': `${T}ListenersConfigDump`,
      version_info: dyn.ldsVersion,
      static_listeners: listeners.map((l) => ({ listener: l })),
      dynamic_listeners: dyn.listeners.map(dynamicListener),
    },
    {
      '@type': `${T}ClustersConfigDump`,
      version_info: dyn.cdsVersion,
      static_clusters: (sr['clusters'] ?? []).map((c) => ({ cluster: c })),
      dynamic_active_clusters: dyn.activeClusters.map((c) => versioned('cluster', c)),
      dynamic_warming_clusters: dyn.warmingClusters.map((c) => versioned('cluster', c)),
    },
    {
      '@type': `${T}RoutesConfigDump`,
      static_route_configs: routes.map((r) => ({ route_config: r })),
      dynamic_route_configs: dyn.routes.map((r) => versioned('route_config', r)),
    },
    { '@type': `${T}SecretsConfigDump`, static_secrets: (sr['secrets'] ?? []).map((s) => ({ secret: s })) },
  ];
  if (q.has('include_eds')) configs.push(endpointsDump(dyn));
  const only = q.get('resource');
  const body = only
    ? { configs: configs.filter((c) => String(c['@type']).toLowerCase().includes(only.toLowerCase())) }
    : { configs };
  return { status: 200, contentType: 'application/json', body: `${JSON.stringify(body, null, 2)}\n` };
}

function endpointsDump(dyn: DynamicConfigDump): Json {
  return {
    '@type': `${T}EndpointsConfigDump`,
    dynamic_endpoint_configs: dyn.endpoints.map((e) => versioned('endpoint_config', e)),
  };
}

function dynamicListener(l: DynamicListenerDump): Json {
  const state = (meta: ResourceMeta | undefined) =>
    meta === undefined ? {} : versioned('listener', { name: l.name, meta });
  const out: Json = { name: l.name };
  if (l.active !== undefined) out.active_state = state(l.active);
  if (l.warming !== undefined) out.warming_state = state(l.warming);
  if (l.draining !== undefined) out.draining_state = state(l.draining);
  return out;
}

/** `{version_info, <field>: resource, last_updated}`, the resource with its `@type` first. */
function versioned(field: keyof typeof RESOURCE_TYPES, r: NamedResourceMeta): Json {
  const body = (r.meta.raw ?? { name: r.name }) as Json;
  const resource = { '@type': RESOURCE_TYPES[field], ...(redact(body) as Json) };
  return { version_info: r.meta.versionInfo, [field]: resource, last_updated: r.meta.lastUpdated };
}

function findRouteConfigs(node: unknown): unknown[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(findRouteConfigs);
  const obj = node as Json;
  const out: unknown[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'route_config' || k === 'routeConfig') out.push(v);
    else out.push(...findRouteConfigs(v));
  }
  return out;
}

function redact(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(redact);
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    out[k] = k === 'private_key' || k === 'privateKey' ? { inline_string: '[redacted]' } : redact(v);
  }
  return out;
}
