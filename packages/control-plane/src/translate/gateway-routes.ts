/**
 * Route configurations of gateway HTTP servers, Istio's way: the VirtualServices bound to a server's
 * Gateway (its `gateways` naming the Gateway, and exported to the proxy's namespace) contribute their HTTP
 * rules to one virtual host per host in the intersection of their hosts and the server's hosts (server hosts
 * restricted to the VirtualService's namespace: `ns/host`, `./host` for the Gateway's own, `*` or no prefix
 * for any). `httpsRedirect` makes a server's hosts redirect to https (`require_tls: ALL`, a 301). With no
 * virtual host at all the route configuration holds one without routes, so every request gets 404, as
 * Istio does.
 */
import type { GatewayServer } from '@tandem/api/istio';
import { intersectHosts } from '../model/hostnames.ts';
import type { MeshSnapshot, VirtualServiceEntry } from '../model/mesh-snapshot.ts';
import type { BoundServer } from './gateway-servers.ts';
import { buildVsRoutes, type RouteContext } from './route-builder.ts';
import { gatewayMatchApplies } from './route-match.ts';
import type { Json } from './xds-resources.ts';

/** RDS name of the plain-text HTTP servers on `port` (Istio's). */
export function httpRouteName(port: number): string {
  return `http.${port}`;
}

/** RDS name of one HTTPS server that terminates TLS (Istio's). */
export function httpsRouteName(bound: BoundServer): string {
  const { gateway, server } = bound;
  return `https.${server.port.number}.${server.port.name}.${gateway.ref.name}.${gateway.ref.namespace}`;
}

function exportedTo(vs: VirtualServiceEntry, namespace: string): boolean {
  const to = vs.spec.exportTo;
  if (to.length === 0 || to.includes('*') || to.includes(namespace)) return true;
  return to.includes('.') && vs.ref.namespace === namespace;
}

/** VirtualServices bound to the Gateway `gatewayKey` (`ns/name`) and visible from `proxyNamespace`. */
export function boundVirtualServices(
  snapshot: MeshSnapshot,
  gatewayKey: string,
  proxyNamespace: string,
): VirtualServiceEntry[] {
  return snapshot.virtualServices.filter(
    (vs) => vs.gateways.includes(gatewayKey) && exportedTo(vs, proxyNamespace),
  );
}

/** The server's hosts a VirtualService in `vsNamespace` may claim, without their namespace part. */
export function serverHostsFor(
  server: GatewayServer,
  gatewayNamespace: string,
  vsNamespace: string,
): string[] {
  const out: string[] = [];
  for (const entry of server.hosts) {
    const slash = entry.indexOf('/');
    if (slash < 0) {
      out.push(entry);
      continue;
    }
    const ns = entry.slice(0, slash);
    const visible = ns === '*' || ns === vsNamespace || (ns === '.' && gatewayNamespace === vsNamespace);
    if (visible) out.push(entry.slice(slash + 1));
  }
  return out;
}

/** The hosts a bound VirtualService gets on a server: its hosts intersected with the server's. */
export function hostsOnServer(vs: VirtualServiceEntry, bound: BoundServer): string[] {
  return intersectHosts(
    serverHostsFor(bound.server, bound.gateway.ref.namespace, vs.ref.namespace),
    vs.hosts,
  );
}

/** Envoy domains for a gateway virtual host: any port for a plain name, this port for a wildcard. */
function domainsFor(host: string, port: number): string[] {
  if (host === '*') return ['*'];
  if (host.startsWith('*')) return [host, `${host}:${port}`];
  return [host, `${host.includes(':') ? `[${host}]` : host}:*`];
}

/** Istio keeps catch-all routes (prefix `/`, no header or query match) after the others. */
function isCatchAll(route: Json): boolean {
  const m = route['match'] as Json;
  return m['prefix'] === '/' && m['headers'] === undefined && m['query_parameters'] === undefined;
}

interface VirtualHostDraft {
  host: string;
  port: number;
  routes: Json[];
  requireTls: boolean;
  sources: number;
}

function addServer(bound: BoundServer, vhosts: Map<string, VirtualHostDraft>, ctx: RouteContext): void {
  const { server, gateway } = bound;
  const port = server.port.number;
  const redirect = server.tls?.httpsRedirect === true;
  for (const vs of boundVirtualServices(ctx.snapshot, gateway.key, ctx.proxy.namespace)) {
    const hosts = hostsOnServer(vs, bound);
    if (hosts.length === 0) continue;
    const applies = (m: Parameters<typeof gatewayMatchApplies>[0]) =>
      gatewayMatchApplies(m, gateway.key, port, ctx.proxy, vs.ref.namespace);
    const routes = buildVsRoutes(vs, port, ctx, applies);
    for (const host of hosts) {
      let vh = vhosts.get(host);
      if (vh === undefined)
        vhosts.set(host, (vh = { host, port, routes: [], requireTls: false, sources: 0 }));
      vh.routes.push(...routes);
      vh.sources++;
      vh.requireTls ||= redirect;
    }
  }
  if (!redirect) return;
  for (const host of server.hosts.map((h) => h.slice(h.indexOf('/') + 1))) {
    const vh = vhosts.get(host);
    if (vh !== undefined) vh.requireTls = true;
    else vhosts.set(host, { host, port, routes: [], requireTls: true, sources: 0 });
  }
}

function toVirtualHost(vh: VirtualHostDraft): Json {
  // Routes from several VirtualServices: catch-alls last, the others in order (Istio's SortVHostRoutes).
  const routes =
    vh.sources > 1
      ? [...vh.routes.filter((r) => !isCatchAll(r)), ...vh.routes.filter(isCatchAll)]
      : vh.routes;
  const out: Json = { name: `${vh.host}:${vh.port}`, domains: domainsFor(vh.host, vh.port), routes };
  if (vh.requireTls) out['require_tls'] = 'ALL';
  return out;
}

/** The route configuration `name` for these HTTP servers (all on one port). */
export function buildGatewayRouteConfig(
  name: string,
  servers: readonly BoundServer[],
  ctx: RouteContext,
): Json {
  const vhosts = new Map<string, VirtualHostDraft>();
  for (const bound of servers) addServer(bound, vhosts, ctx);
  const port = servers[0]?.server.port.number ?? 0;
  const virtualHosts =
    vhosts.size === 0
      ? [{ name: `blackhole:${port}`, domains: ['*'], routes: [] }]
      : [...vhosts.values()]
          .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
          .map(toVirtualHost);
  return { name, virtual_hosts: virtualHosts, validate_clusters: false };
}
