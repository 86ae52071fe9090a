/**
 * Virtual hosts for services on one port: one per service, with the names clients use as domains,
 * and routes from the VirtualService that claims the host (or a default route to the service).
 * `buildVsRoutes` (a VirtualService's HTTP rules as Envoy routes) is shared with the gateway
 * translation, which selects matches by gateway instead of by sidecar.
 */
import type { ConsistentHash, Destination, HttpMatchRequest, HttpRoute } from '@tandem/api/istio';
import { hostAliases, hostMatches, resolveHost } from '../model/hostnames.ts';
import type { MeshService } from '../model/mesh-service.ts';
import type { MeshSnapshot, VirtualServiceEntry } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';
import type { Capabilities } from './capabilities.ts';
import { outboundClusterName } from './cluster-name.ts';
import { CORS_FILTER, corsPolicy } from './cors.ts';
import { FAULT_FILTER, faultConfig } from './fault.ts';
import { applyHeaderOps } from './header-ops.ts';
import { memoized, perObject, stableFacet } from './memo.ts';
import { grpcRetryPolicy, sidecarRetryPolicy } from './retry-policy.ts';
import { matchApplies, routeMatch } from './route-match.ts';
import { destinationRuleFor, effectivePolicy } from './traffic-policy.ts';
import { duration, type Json } from './xds-resources.ts';

export interface RouteContext {
  snapshot: MeshSnapshot;
  proxy: ProxyInfo;
  caps: Capabilities;
  notes: string[];
}

/** The VirtualService for a host: the first (in load order) whose hosts cover it. */
export function virtualServiceFor(snapshot: MeshSnapshot, host: string): VirtualServiceEntry | undefined {
  const forMesh = (vs: VirtualServiceEntry) =>
    vs.spec.gateways.length === 0 || vs.spec.gateways.includes('mesh');
  const exact = snapshot.virtualServicesByHost.get(host)?.find(forMesh);
  const wildcard = snapshot.wildcardVirtualServices.find(
    (vs) => forMesh(vs) && vs.hosts.some((h) => hostMatches(h, host)),
  );
  if (exact === undefined || wildcard === undefined) return exact ?? wildcard;
  // Both kinds match: the one loaded first wins, as a scan in load order would find it.
  return snapshot.virtualServices.indexOf(exact) < snapshot.virtualServices.indexOf(wildcard)
    ? exact
    : wildcard;
}

/** What a virtual host reads of a service: not its endpoints, so that moving one rebuilds nothing here. */
export type RoutedService = Pick<MeshService, 'hostname' | 'addresses' | 'ports'>;

/**
 * The routing facet of a service: the same object from one snapshot to the next while its hostname,
 * addresses and ports stay the same (a service whose endpoints changed is a new object).
 */
function routedService(service: MeshService): RoutedService {
  return perObject(service, 'routed-service', () => {
    const { hostname, addresses, ports } = service;
    return stableFacet('routed-service', hostname, JSON.stringify([addresses, ports]), () => ({
      hostname,
      addresses: [...addresses],
      ports: structuredClone(ports),
    }));
  });
}

/**
 * The virtual host of a service on a port, memoized per routing facet of the service (hostname,
 * addresses, ports: not its endpoints): it reads the VirtualService of the host, the DestinationRule
 * of the host and of every destination (hash policies), the routing facets of the destinations' services
 * (their ports), and of the proxy its kind (what it supports), its namespace (domains) and which of the
 * VirtualService's matches apply to it (port, source labels, namespace).
 */
export function buildVirtualHost(
  service: MeshService,
  port: number,
  ctx: RouteContext,
  extraDomains: string[] = [],
): Json {
  const vs = virtualServiceFor(ctx.snapshot, service.hostname);
  const key = `vhost ${ctx.proxy.kind} ${port} ${ctx.proxy.namespace} ${matchFacts(vs, port, ctx)} ${extraDomains.join(',')}`;
  const routed = routedService(service);
  return memoized(routed, key, virtualHostInputs(vs, service, ctx), ctx.notes, (notes) =>
    buildVirtualHostOf(vs, routed, port, { ...ctx, notes }, extraDomains),
  );
}

/** Which of the VirtualService's HTTP matches can apply to this proxy on this port, as 0/1 digits. */
function matchFacts(vs: VirtualServiceEntry | undefined, port: number, ctx: RouteContext): string {
  if (vs === undefined) return '-';
  let facts = '';
  for (const r of vs.spec.http)
    for (const m of r.match) facts += matchApplies(m, port, ctx.proxy) ? '1' : '0';
  return facts;
}

/** The snapshot entries a virtual host reads besides the service itself. */
function virtualHostInputs(
  vs: VirtualServiceEntry | undefined,
  service: MeshService,
  ctx: RouteContext,
): unknown[] {
  const inputs: unknown[] = [vs, destinationRuleFor(ctx.snapshot, service.hostname)];
  for (const r of vs?.spec.http ?? []) {
    for (const d of [...r.route, ...r.mirrors]) {
      const host = resolveHost(d.destination.host, vs!.ref.namespace);
      const destination = ctx.snapshot.services.get(host);
      inputs.push(destination && routedService(destination), destinationRuleFor(ctx.snapshot, host));
    }
  }
  return inputs;
}

function buildVirtualHostOf(
  vs: VirtualServiceEntry | undefined,
  service: RoutedService,
  port: number,
  ctx: RouteContext,
  extraDomains: string[],
): Json {
  const routes =
    vs === undefined || vs.spec.http.length === 0
      ? [defaultRoute(service, port, ctx)]
      : buildVsRoutes(vs, port, ctx, (m) => matchApplies(m, port, ctx.proxy));
  const vh: Json = {
    name: `${service.hostname}:${port}`,
    domains: domainsFor(service, port, ctx.proxy, extraDomains),
    routes,
  };
  // Istio tells upstreams which attempt a request is (x-envoy-attempt-count).
  if (ctx.caps.retries && ctx.proxy.kind !== 'grpc') vh['include_request_attempt_count'] = true;
  return vh;
}

function domainsFor(service: RoutedService, port: number, proxy: ProxyInfo, extra: string[]): string[] {
  const names = [...hostAliases(service.hostname, proxy.namespace), ...service.addresses];
  const out = new Set<string>(extra);
  for (const n of names) {
    out.add(n);
    out.add(`${n}:${port}`);
  }
  return [...out];
}

function defaultRoute(service: RoutedService, port: number, ctx: RouteContext): Json {
  const action: Json = { cluster: outboundClusterName(port, '', service.hostname) };
  applyTimeout(action, 0, ctx.caps);
  if (ctx.caps.retries && ctx.proxy.kind !== 'grpc') {
    const policy = sidecarRetryPolicy(undefined);
    if (policy !== undefined) action['retry_policy'] = policy;
  }
  applyHashPolicy(action, service.hostname, '', port, ctx);
  return { name: 'default', match: { prefix: '/' }, route: action };
}

/**
 * The Envoy routes of a VirtualService's HTTP rules for traffic on `port`: one route per match request that
 * `applies` accepts (a rule without matches is one catch-all route); a rule whose matches all fail is left out.
 */
export function buildVsRoutes(
  vs: VirtualServiceEntry,
  port: number,
  ctx: RouteContext,
  applies: (m: HttpMatchRequest) => boolean,
): Json[] {
  const out: Json[] = [];
  vs.spec.http.forEach((r, i) => {
    const matches: (HttpMatchRequest | undefined)[] = r.match.length > 0 ? r.match : [undefined];
    for (const m of matches) {
      if (m !== undefined && !applies(m)) continue;
      out.push(buildRoute(vs, r, i, m, port, ctx));
    }
  });
  return out;
}

function buildRoute(
  vs: VirtualServiceEntry,
  r: HttpRoute,
  index: number,
  m: HttpMatchRequest | undefined,
  port: number,
  ctx: RouteContext,
): Json {
  const where = `VirtualService ${vs.ref.namespace}/${vs.ref.name} http[${index}]`;
  const route: Json = { name: r.name || m?.name || `${vs.ref.name}.${index}`, match: routeMatch(m) };
  if (r.redirect !== undefined) {
    route['redirect'] = redirectAction(r.redirect);
  } else if (r.directResponse !== undefined) {
    route['direct_response'] = {
      status: r.directResponse.status,
      ...(r.directResponse.body !== undefined ? { body: { inline_string: r.directResponse.body } } : {}),
    };
  } else {
    route['route'] = routeAction(vs, r, m, port, ctx, where);
  }
  applyHeaderOps(route, 'request', r.headers?.request);
  applyHeaderOps(route, 'response', r.headers?.response);
  const perFilter: Json = {};
  if (r.fault !== undefined) {
    if (ctx.caps.fault) perFilter[FAULT_FILTER] = faultConfig(r.fault);
    else ctx.notes.push(`${where}: fault not applied (proxy has no fault injection yet)`);
  }
  if (r.corsPolicy !== undefined) {
    if (ctx.caps.cors) perFilter[CORS_FILTER] = corsPolicy(r.corsPolicy);
    else ctx.notes.push(`${where}: corsPolicy not applied (proxy has no CORS filter yet)`);
  }
  if (Object.keys(perFilter).length > 0) route['typed_per_filter_config'] = perFilter;
  return route;
}

function routeAction(
  vs: VirtualServiceEntry,
  r: HttpRoute,
  m: HttpMatchRequest | undefined,
  port: number,
  ctx: RouteContext,
  where: string,
): Json {
  const ns = vs.ref.namespace;
  const dests = r.route.map((d) => ({ d, name: clusterFor(d.destination, ns, port, ctx.snapshot) }));
  const action: Json = {};
  if (dests.length === 1) {
    action['cluster'] = dests[0]!.name;
  } else {
    action['weighted_clusters'] = {
      clusters: dests.map(({ d, name }) => {
        const wc: Json = { name, weight: d.weight };
        applyHeaderOps(wc, 'request', d.headers?.request);
        applyHeaderOps(wc, 'response', d.headers?.response);
        return wc;
      }),
    };
  }
  applyRewrite(action, r, m);
  applyTimeout(action, r.timeoutMs ?? 0, ctx.caps);
  applyRetries(action, r, ctx, where);
  const first = r.route[0]?.destination;
  if (first !== undefined) applyHashPolicy(action, resolveHost(first.host, ns), first.subset, port, ctx);
  if (r.mirrors.length > 0) {
    if (ctx.caps.mirror) {
      action['request_mirror_policies'] = r.mirrors.map((mp) => ({
        cluster: clusterFor(mp.destination, ns, port, ctx.snapshot),
        runtime_fraction: {
          default_value: { numerator: Math.round(mp.percentage * 10000), denominator: 'MILLION' },
        },
      }));
    } else {
      ctx.notes.push(`${where}: mirror not applied (proxy has no traffic mirroring yet)`);
    }
  }
  return action;
}

/** The cluster for an Istio destination: its port, else the service's only port, else this port. */
export function clusterFor(d: Destination, namespace: string, port: number, snapshot: MeshSnapshot): string {
  const host = resolveHost(d.host, namespace);
  const svc = snapshot.services.get(host);
  const p = d.port !== 0 ? d.port : svc?.ports.length === 1 ? svc.ports[0]!.number : port;
  return outboundClusterName(p, d.subset, host);
}

function applyRewrite(action: Json, r: HttpRoute, m: HttpMatchRequest | undefined): void {
  const rw = r.rewrite;
  if (rw === undefined) return;
  if (rw.uriRegexRewrite !== undefined) {
    action['regex_rewrite'] = {
      pattern: { regex: rw.uriRegexRewrite.match },
      substitution: rw.uriRegexRewrite.rewrite,
    };
  } else if (rw.uri !== '') {
    // Istio replaces the matched prefix (or the whole path for an exact match); a regex match
    // has no prefix, so the whole path is replaced.
    if (m?.uri?.kind === 'regex')
      action['regex_rewrite'] = { pattern: { regex: '.*' }, substitution: rw.uri };
    else action['prefix_rewrite'] = rw.uri;
  }
  if (rw.authority !== '') action['host_rewrite_literal'] = rw.authority;
}

/** Istio routes default to no timeout (Envoy's 15 s route default is switched off). */
function applyTimeout(action: Json, ms: number, caps: Capabilities): void {
  if (caps.maxStreamDuration) {
    if (ms > 0) action['max_stream_duration'] = { max_stream_duration: duration(ms) };
    return;
  }
  action['timeout'] = duration(ms);
}

/** The route's retries, or Istio's mesh default retry policy when it has none (sidecars). */
function applyRetries(action: Json, r: HttpRoute, ctx: RouteContext, where: string): void {
  if (!ctx.caps.retries) {
    if (r.retries !== undefined && r.retries.attempts > 0)
      ctx.notes.push(`${where}: retries not applied (proxy has no retries yet)`);
    return;
  }
  const policy = ctx.proxy.kind === 'grpc' ? grpcRetryPolicy(r.retries) : sidecarRetryPolicy(r.retries);
  if (policy !== undefined) action['retry_policy'] = policy;
  if (r.retries?.retryRemoteLocalities && ctx.proxy.kind !== 'grpc')
    ctx.notes.push(`${where}: retries.retryRemoteLocalities not applied (no retry priorities yet)`);
}

function redirectAction(rd: NonNullable<HttpRoute['redirect']>): Json {
  const codes: Record<number, string> = {
    301: 'MOVED_PERMANENTLY',
    302: 'FOUND',
    303: 'SEE_OTHER',
    307: 'TEMPORARY_REDIRECT',
    308: 'PERMANENT_REDIRECT',
  };
  const out: Json = { response_code: codes[rd.redirectCode] ?? 'MOVED_PERMANENTLY' };
  if (rd.uri !== '') out['path_redirect'] = rd.uri;
  if (rd.authority !== '') out['host_redirect'] = rd.authority;
  if (rd.port !== 0) out['port_redirect'] = rd.port;
  if (rd.scheme !== '') out['scheme_redirect'] = rd.scheme;
  return out;
}

/** DestinationRule consistent hashing becomes the route's hash policy (Istio puts it there). */
function applyHashPolicy(action: Json, host: string, subset: string, port: number, ctx: RouteContext): void {
  const lb = effectivePolicy(destinationRuleFor(ctx.snapshot, host)?.spec, subset, port)?.loadBalancer;
  if (lb?.kind !== 'consistentHash') return;
  action['hash_policy'] = [hashPolicy(lb.consistentHash)];
}

function hashPolicy(ch: ConsistentHash): Json {
  const k = ch.key;
  if (k.kind === 'httpHeaderName') return { header: { header_name: k.name } };
  if (k.kind === 'httpQueryParameterName') return { query_parameter: { name: k.name } };
  if (k.kind === 'useSourceIp') return { connection_properties: { source_ip: true } };
  return {
    cookie: {
      name: k.name,
      ...(k.path !== '' ? { path: k.path } : {}),
      ...(k.ttlMs !== undefined ? { ttl: duration(k.ttlMs) } : {}),
    },
  };
}
