/**
 * EnvoyFilter patches applied to one sidecar's generated resources, the way Istio applies them:
 * filters from the root namespace and the proxy's namespace whose workloadSelector matches the
 * proxy, root namespace first, then by priority and name. Supported patches:
 * - HTTP_FILTER INSERT_BEFORE / INSERT_AFTER (relative to `subFilter`, else first / last) and
 *   INSERT_FIRST, in the HTTP connection managers of matching listeners;
 * - HTTP_ROUTE MERGE into matching routes (of inline and RDS route configurations), with proto merge
 *   semantics: messages merge field by field, lists append, scalars and Any values are replaced.
 * Every other patch is left out and noted for the proxy.
 */
import type { EnvoyConfigPatch, IstioObject } from '@tandem/api/istio';
import { labelsMatch } from '../model/mesh-service.ts';
import type { MeshSnapshot } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import { ROOT_NAMESPACE } from './visibility.ts';
import { type Json, TYPE, type XdsResources } from './xds-resources.ts';

type EnvoyFilterObject = Extract<IstioObject, { kind: 'EnvoyFilter' }>;

/** The EnvoyFilters that apply to `proxy`, in the order Istio applies them. */
export function envoyFiltersFor(snapshot: MeshSnapshot, proxy: ProxyInfo): EnvoyFilterObject[] {
  const applies = (o: IstioObject): o is EnvoyFilterObject =>
    o.kind === 'EnvoyFilter' &&
    (o.meta.namespace === ROOT_NAMESPACE || o.meta.namespace === proxy.namespace) &&
    (o.spec.workloadSelector === undefined || labelsMatch(o.spec.workloadSelector, proxy.labels));
  const rank = (o: EnvoyFilterObject) => (o.meta.namespace === ROOT_NAMESPACE ? 0 : 1);
  return snapshot.objects
    .filter(applies)
    .sort(
      (a, b) =>
        rank(a) - rank(b) || a.spec.priority - b.spec.priority || a.meta.name.localeCompare(b.meta.name),
    );
}

export function applyEnvoyFilters(snapshot: MeshSnapshot, proxy: ProxyInfo, out: XdsResources): void {
  for (const ef of envoyFiltersFor(snapshot, proxy)) {
    ef.spec.configPatches.forEach((patch, i) => {
      const where = `EnvoyFilter ${ef.meta.namespace}/${ef.meta.name} configPatches[${i}]`;
      if (!patch.supported) {
        out.notes.push(`${where}: not applied (${patch.applyTo} ${patch.operation} is not supported)`);
        return;
      }
      const applied =
        patch.applyTo === 'HTTP_FILTER' ? insertHttpFilter(patch, out) : mergeIntoRoutes(patch, out);
      if (applied === 0) out.notes.push(`${where}: matched nothing in this proxy's config`);
    });
  }
}

// ------------------------------------------------------------ HTTP_FILTER

function insertHttpFilter(patch: EnvoyConfigPatch, out: XdsResources): number {
  let count = 0;
  for (const listener of out.listeners.values()) {
    if (!listenerMatches(patch, listener)) continue;
    for (const hcm of connectionManagers(listener)) {
      const filters = hcm['http_filters'] as Json[];
      filters.splice(insertAt(patch, filters), 0, structuredClone(patch.value!));
      count++;
    }
  }
  return count;
}

function insertAt(patch: EnvoyConfigPatch, filters: Json[]): number {
  const sub = patch.match.subFilterName;
  const at = sub === '' ? -1 : filters.findIndex((f) => f['name'] === sub);
  if (patch.operation === 'INSERT_FIRST') return 0;
  if (patch.operation === 'INSERT_BEFORE') return Math.max(0, at);
  // INSERT_AFTER: after the sub-filter, else last (but never after the terminal router).
  if (at >= 0) return at + 1;
  const router = filters.findIndex((f) => f['name'] === 'envoy.filters.http.router');
  return router < 0 ? filters.length : router;
}

function listenerMatches(patch: EnvoyConfigPatch, listener: Json): boolean {
  const m = patch.match;
  const direction = listener['traffic_direction'];
  if (m.context === 'SIDECAR_INBOUND' && direction !== 'INBOUND') return false;
  if (m.context === 'SIDECAR_OUTBOUND' && direction !== 'OUTBOUND') return false;
  if (m.listenerName !== '' && listener['name'] !== m.listenerName) return false;
  const port = ((listener['address'] as Json)['socket_address'] as Json)['port_value'];
  return m.listenerPort === 0 || port === m.listenerPort;
}

/** The HTTP connection managers of a listener's filter chains. */
function connectionManagers(listener: Json): Json[] {
  const out: Json[] = [];
  for (const chain of (listener['filter_chains'] as Json[] | undefined) ?? []) {
    for (const f of (chain['filters'] as Json[] | undefined) ?? []) {
      const typed = f['typed_config'] as Json | undefined;
      if (typed?.['@type'] === TYPE.hcm) out.push(typed);
    }
  }
  return out;
}

// ------------------------------------------------------------ HTTP_ROUTE

function mergeIntoRoutes(patch: EnvoyConfigPatch, out: XdsResources): number {
  let count = 0;
  const m = patch.match;
  for (const listener of out.listeners.values()) {
    if (!listenerMatches({ ...patch, match: { ...m, listenerPort: m.routePort } }, listener)) continue;
    for (const hcm of connectionManagers(listener)) {
      const inline = hcm['route_config'] as Json | undefined;
      if (inline !== undefined) count += mergeIntoRouteConfig(patch, inline);
    }
  }
  if (m.context !== 'SIDECAR_INBOUND') {
    for (const [name, rc] of out.routes) {
      if (m.routePort !== 0 && name !== String(m.routePort)) continue;
      // Route configurations hold memoized virtual hosts, shared and frozen: patch a copy.
      const copy = structuredClone(rc);
      const merged = mergeIntoRouteConfig(patch, copy);
      if (merged > 0) out.routes.set(name, copy);
      count += merged;
    }
  }
  return count;
}

function mergeIntoRouteConfig(patch: EnvoyConfigPatch, rc: Json): number {
  const m = patch.match;
  if (m.routeConfigName !== '' && rc['name'] !== m.routeConfigName) return 0;
  let count = 0;
  for (const vh of (rc['virtual_hosts'] as Json[] | undefined) ?? []) {
    if (m.vhostName !== '' && vh['name'] !== m.vhostName) continue;
    for (const route of (vh['routes'] as Json[] | undefined) ?? []) {
      if (m.routeName !== '' && route['name'] !== m.routeName) continue;
      if (!actionMatches(m.routeAction, route)) continue;
      mergeMessage(route, structuredClone(patch.value ?? {}));
      count++;
    }
  }
  return count;
}

function actionMatches(action: EnvoyConfigPatch['match']['routeAction'], route: Json): boolean {
  if (action === 'ANY') return true;
  if (action === 'ROUTE') return route['route'] !== undefined;
  if (action === 'REDIRECT') return route['redirect'] !== undefined;
  return route['direct_response'] !== undefined;
}

/**
 * Proto merge on proto3 JSON: objects merge key by key (a camelCase key merges into its snake_case
 * twin), lists append, scalars and Any values (objects with `@type`) replace.
 */
export function mergeMessage(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const k = key in target || !(snake in target) ? key : snake;
    const current = target[k];
    if (Array.isArray(current) && Array.isArray(value)) target[k] = [...current, ...value];
    else if (isObject(current) && isObject(value) && !('@type' in value)) mergeMessage(current, value);
    else target[k] = value;
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
