/**
 * TCP traffic on gateways, Istio's way: a TCP server (or a TLS server that terminates) forwards with the
 * first `tcp` rule, of the VirtualServices bound to its Gateway whose hosts meet the server's, that
 * matches the server's port and Gateway; a TLS PASSTHROUGH server gets one filter chain per `tls` match
 * (SNI names from the match), forwarding without terminating. Destinations use the same outbound clusters
 * as HTTP routes (`outbound|port|subset|host`), weighted when there are several.
 */
import type { Destination, L4MatchAttributes, TcpRoute } from '@tandem/api/istio';
import { resolveGatewayName } from '@tandem/api/istio';
import { boundVirtualServices, hostsOnServer } from './gateway-routes.ts';
import type { BoundServer } from './gateway-servers.ts';
import { clusterFor, type RouteContext } from './route-builder.ts';
import { type Json, TYPE } from './xds-resources.ts';

/** Istio's l4 match on a gateway: the port (when set) and the gateways (when listed); nothing else. */
function l4Applies(m: L4MatchAttributes, bound: BoundServer, vsNamespace: string): boolean {
  if (m.port !== 0 && m.port !== bound.server.port.number) return false;
  if (m.gateways.length === 0) return true;
  return m.gateways.some((g) => resolveGatewayName(g, vsNamespace) === bound.gateway.key);
}

/** A tcp_proxy filter to weighted destinations (destinations with weight 0 get nothing). */
function tcpProxy(
  route: readonly { destination: Destination; weight: number }[],
  vsNamespace: string,
  port: number,
  ctx: RouteContext,
): Json {
  const clusters = route
    .filter((d) => route.length === 1 || d.weight > 0)
    .map((d) => ({
      name: clusterFor(d.destination, vsNamespace, port, ctx.snapshot),
      weight: d.weight || 1,
    }));
  const target = clusters.length === 1 ? { cluster: clusters[0]!.name } : { weighted_clusters: { clusters } };
  const statPrefix = clusters.length === 1 ? clusters[0]!.name : `gateway_${port}_weighted`;
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: { '@type': TYPE.tcpProxy, stat_prefix: statPrefix, ...target },
  };
}

/** The tcp_proxy filter of the first bound `tcp` rule that applies to this server, if any. */
export function buildTcpServerFilter(bound: BoundServer, ctx: RouteContext): Json | undefined {
  for (const vs of boundVirtualServices(ctx.snapshot, bound.gateway.key, ctx.proxy.namespace)) {
    if (hostsOnServer(vs, bound).length === 0) continue;
    const rule: TcpRoute | undefined = vs.spec.tcp.find(
      (t) => t.match.length === 0 || t.match.some((m) => l4Applies(m, bound, vs.ref.namespace)),
    );
    if (rule !== undefined) return tcpProxy(rule.route, vs.ref.namespace, bound.server.port.number, ctx);
  }
  return undefined;
}

/**
 * Filter chains of a PASSTHROUGH server: one per applicable `tls` match of a bound VirtualService, matching
 * its SNI names. A match whose names another chain on the listener already has is left out with a note
 * (`sniSeen` holds the names taken so far).
 */
export function buildPassthroughChains(bound: BoundServer, ctx: RouteContext, sniSeen: Set<string>): Json[] {
  const chains: Json[] = [];
  for (const vs of boundVirtualServices(ctx.snapshot, bound.gateway.key, ctx.proxy.namespace)) {
    if (hostsOnServer(vs, bound).length === 0) continue;
    vs.spec.tls.forEach((rule, r) => {
      rule.match.forEach((m, i) => {
        if (!l4Applies(m, bound, vs.ref.namespace)) return;
        const taken = m.sniHosts.filter((h) => sniSeen.has(h));
        if (taken.length > 0) {
          ctx.notes.push(
            `${bound.where}: VirtualService ${vs.ref.namespace}/${vs.ref.name} tls[${r}].match[${i}]: SNI ${taken.join(', ')} already routed on this listener; not applied`,
          );
          return;
        }
        for (const h of m.sniHosts) sniSeen.add(h);
        // `*` matches any name: no SNI condition (Envoy has no bare `*` server name).
        const names = m.sniHosts.includes('*') ? [] : [...m.sniHosts];
        chains.push({
          name: `${vs.ref.namespace}/${vs.ref.name}.tls[${r}].match[${i}]`,
          ...(names.length > 0 ? { filter_chain_match: { server_names: names } } : {}),
          filters: [tcpProxy(rule.route, vs.ref.namespace, bound.server.port.number, ctx)],
        });
      });
    });
  }
  return chains;
}
