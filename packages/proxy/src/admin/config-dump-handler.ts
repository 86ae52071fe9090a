/**
 * `/config_dump`: the running config in the shape of Envoy's admin ConfigDump (bootstrap, static
 * listeners, clusters, route configs and secrets), from the config as loaded. Private keys are
 * redacted, as Envoy does.
 */
import type { AdminResponse, AdminTarget } from './admin-handler.ts';

const T = 'type.googleapis.com/envoy.admin.v3.';

export function configDumpHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  const raw = redact(t.rawConfig()) as Record<string, unknown>;
  const sr = (raw['static_resources'] ?? raw['staticResources'] ?? {}) as Record<string, unknown[]>;
  const listeners = sr['listeners'] ?? [];
  const routes = listeners.flatMap((l) => findRouteConfigs(l));
  const configs = [
    { '@type': `${T}BootstrapConfigDump`, bootstrap: raw },
    { '@type': `${T}ListenersConfigDump`, static_listeners: listeners.map((l) => ({ listener: l })) },
    {
      '@type': `${T}ClustersConfigDump`,
      static_clusters: (sr['clusters'] ?? []).map((c) => ({ cluster: c })),
    },
    { '@type': `${T}RoutesConfigDump`, static_route_configs: routes.map((r) => ({ route_config: r })) },
    { '@type': `${T}SecretsConfigDump`, static_secrets: (sr['secrets'] ?? []).map((s) => ({ secret: s })) },
  ];
  const only = q.get('resource');
  const body = only
    ? { configs: configs.filter((c) => c['@type'].toLowerCase().includes(only.toLowerCase())) }
    : { configs };
  return { status: 200, contentType: 'application/json', body: `${JSON.stringify(body, null, 2)}\n` };
}

function findRouteConfigs(node: unknown): unknown[] {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(findRouteConfigs);
  const obj = node as Record<string, unknown>;
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
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    out[k] = k === 'private_key' || k === 'privateKey' ? { inline_string: '[redacted]' } : redact(v);
  }
  return out;
}
