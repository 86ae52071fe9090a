/**
 * Listeners and routes for a gateway proxy (`router~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`) from the
 * Istio Gateways whose selector matches its labels, Istio's shape:
 * - plain-text HTTP servers: one listener per port (`<bind>_<port>`) with an HTTP connection manager
 *   taking RDS `http.<port>`; virtual hosts come from the VirtualServices bound to the Gateway
 *   (gateway-routes.ts); no virtual host means 404 for everything; `httpsRedirect` answers 301;
 * - HTTPS servers terminating TLS (SIMPLE / MUTUAL, certificate files): a filter chain per server,
 *   matched by SNI (its hosts), with its own RDS `https.<port>.<portName>.<gateway>.<namespace>`;
 * - TCP servers, and TLS servers that terminate: tcp_proxy from the bound VirtualServices' `tcp` rules;
 *   TLS PASSTHROUGH servers: a chain per `tls` match, by SNI (gateway-l4.ts).
 * What cannot be served (credentialName, ISTIO_MUTUAL, AUTO_PASSTHROUGH, unix sockets, servers in
 * conflict) is left out and reported in the translation notes.
 *
 * A listener binds `0.0.0.0:<server port>` (or the server's `bind`), as Istio's do. In Tandem's local
 * mode several proxies share one host, so the node metadata may carry TANDEM_GATEWAY_LISTEN: an object
 * (or its JSON text) mapping a server port (`"8080"`) to the `"address:port"` to bind instead, port 0
 * for one the OS picks, e.g. `{"8080": "127.0.0.1:0"}`. The listener keeps its Istio name
 * (`0.0.0.0_8080`), so tools and routes do not depend on where it binds.
 */
import { isIP } from 'node:net';
import { buildPassthroughChains, buildTcpServerFilter } from './gateway-l4.ts';
import { buildGatewayRouteConfig, httpRouteName, httpsRouteName } from './gateway-routes.ts';
import { type BoundServer, type GatewayListenerPlan, planGatewayListeners } from './gateway-servers.ts';
import { downstreamTlsSocket, serverSniHosts, TLS_INSPECTOR, tlsTerminationProblem } from './gateway-tls.ts';
import type { RouteContext } from './route-builder.ts';
import { type Json, TYPE, type XdsResources } from './xds-resources.ts';

export const GATEWAY_LISTEN_METADATA = 'TANDEM_GATEWAY_LISTEN';

const HTTP_ALPN = ['h2', 'http/1.1'];

interface Address {
  address: string;
  port: number;
}

/** TANDEM_GATEWAY_LISTEN: server port -> where to bind; malformed entries are noted and skipped. */
function listenOverrides(metadata: Readonly<Record<string, unknown>>, notes: string[]): Map<number, Address> {
  let raw = metadata[GATEWAY_LISTEN_METADATA];
  const out = new Map<number, Address>();
  if (raw === undefined) return out;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      raw = undefined;
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    notes.push(`${GATEWAY_LISTEN_METADATA}: expected an object mapping server ports to "address:port"`);
    return out;
  }
  for (const [key, value] of Object.entries(raw)) {
    const m = typeof value === 'string' ? /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) : null;
    const address = m?.[1] ?? m?.[2] ?? '';
    const port = Number(m?.[3]);
    if (!/^\d+$/.test(key) || m === null || isIP(address) === 0 || port > 65535) {
      notes.push(`${GATEWAY_LISTEN_METADATA}["${key}"]: ${JSON.stringify(value)} is not "ip:port"; ignored`);
      continue;
    }
    out.set(Number(key), { address, port });
  }
  return out;
}

function hcmFilter(statPrefix: string, routeName: string): Json {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': TYPE.hcm,
      stat_prefix: statPrefix,
      codec_type: 'AUTO',
      use_remote_address: true,
      upgrade_configs: [{ upgrade_type: 'websocket' }],
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } }],
      rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
    },
  };
}

/** A chain with SNI names; `undefined` (noted) when another chain already takes one of them. */
function sniChain(
  bound: BoundServer,
  names: string[],
  sniSeen: Set<string>,
  ctx: RouteContext,
): Json | undefined {
  const keys = names.length === 0 ? ['*'] : names;
  const taken = keys.filter((k) => sniSeen.has(k));
  if (taken.length > 0) {
    ctx.notes.push(`${bound.where}: SNI ${taken.join(', ')} already served on this listener; not applied`);
    return undefined;
  }
  for (const k of keys) sniSeen.add(k);
  return names.length > 0 ? { filter_chain_match: { server_names: names } } : {};
}

function tlsChains(plan: GatewayListenerPlan, ctx: RouteContext, out: XdsResources): Json[] {
  const chains: Json[] = [];
  const sniSeen = new Set<string>();
  for (const bound of plan.servers) {
    const tls = bound.server.tls;
    if (tls === undefined) continue; // validation requires TLS settings on HTTPS and TLS servers
    if (tls.mode === 'PASSTHROUGH') {
      const passthrough = buildPassthroughChains(bound, ctx, sniSeen);
      if (passthrough.length === 0)
        ctx.notes.push(`${bound.where}: no VirtualService tls route binds to it; server not applied`);
      chains.push(...passthrough);
      continue;
    }
    const problem = tlsTerminationProblem(tls);
    if (problem !== undefined) {
      ctx.notes.push(`${bound.where}: ${problem}; server not applied`);
      continue;
    }
    const chain = terminatingChain(plan, bound, ctx, sniSeen, out);
    if (chain !== undefined) chains.push(chain);
  }
  return chains;
}

/** A chain terminating TLS: HTTP (HTTPS servers, own RDS) or the bound tcp rule (TLS servers). */
function terminatingChain(
  plan: GatewayListenerPlan,
  bound: BoundServer,
  ctx: RouteContext,
  sniSeen: Set<string>,
  out: XdsResources,
): Json | undefined {
  const tls = bound.server.tls;
  if (tls === undefined) return undefined;
  const https = bound.server.port.protocol === 'HTTPS';
  const tcp = https ? undefined : buildTcpServerFilter(bound, ctx);
  if (!https && tcp === undefined) {
    ctx.notes.push(`${bound.where}: no VirtualService tcp route binds to it; server not applied`);
    return undefined;
  }
  const chain = sniChain(bound, serverSniHosts(bound.server), sniSeen, ctx);
  if (chain === undefined) return undefined;
  let filter = tcp;
  if (https) {
    const routeName = httpsRouteName(bound);
    out.routes.set(routeName, buildGatewayRouteConfig(routeName, [bound], ctx));
    filter = hcmFilter(`outbound_${plan.bind}_${plan.port}_${bound.server.port.name}`, routeName);
  }
  chain['name'] = `${bound.gateway.key}/${bound.server.port.name}`;
  chain['filters'] = [filter];
  chain['transport_socket'] = downstreamTlsSocket(tls, https ? HTTP_ALPN : []);
  return chain;
}

function chainsFor(plan: GatewayListenerPlan, ctx: RouteContext, out: XdsResources): Json[] {
  if (plan.kind === 'http')
    return [{ filters: [hcmFilter(`outbound_${plan.bind}_${plan.port}`, httpRouteName(plan.port))] }];
  if (plan.kind === 'tls') return tlsChains(plan, ctx, out);
  const bound = plan.servers[0]!;
  const filter = buildTcpServerFilter(bound, ctx);
  if (filter !== undefined) return [{ filters: [filter] }];
  ctx.notes.push(`${bound.where}: no VirtualService tcp route binds to it; server not applied`);
  return [];
}

export function buildGatewayListeners(ctx: RouteContext, out: XdsResources): void {
  const plans = planGatewayListeners(ctx.snapshot, ctx.proxy, ctx.notes);
  const overrides = listenOverrides(ctx.proxy.metadata, ctx.notes);
  const httpByPort = new Map<number, BoundServer[]>();
  for (const plan of plans) {
    const chains = chainsFor(plan, ctx, out);
    if (chains.length === 0) continue;
    if (plan.kind === 'http')
      httpByPort.set(plan.port, [...(httpByPort.get(plan.port) ?? []), ...plan.servers]);
    const at = overrides.get(plan.port) ?? { address: plan.bind, port: plan.port };
    overrides.delete(plan.port);
    const listener: Json = {
      name: plan.name,
      address: { socket_address: { address: at.address, port_value: at.port } },
      traffic_direction: 'OUTBOUND',
      filter_chains: chains,
    };
    if (plan.kind === 'tls') listener['listener_filters'] = [TLS_INSPECTOR];
    out.listeners.set(plan.name, listener);
  }
  for (const [port, servers] of httpByPort) {
    const name = httpRouteName(port);
    out.routes.set(name, buildGatewayRouteConfig(name, servers, ctx));
  }
}
