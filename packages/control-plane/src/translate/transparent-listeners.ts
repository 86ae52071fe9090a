/**
 * Listeners for a sidecar whose traffic iptables redirects (interception mode REDIRECT), in
 * Istio's shape:
 * - `virtualOutbound` on 0.0.0.0:15001 restores each connection's original destination and hands
 *   it to the listener for that port (`0.0.0.0_<port>`, not bound); anything else goes to
 *   `PassthroughCluster` (ALLOW_ANY) or `BlackHoleCluster` (Sidecar outboundTrafficPolicy
 *   REGISTRY_ONLY);
 * - per service port: HTTP ports route by Host through RDS `<port>` (with a catch-all virtual host
 *   to the passthrough); TCP ports match the service's addresses and go to its cluster;
 * - `virtualInbound` on 0.0.0.0:15006 restores the original destination and sends each port this
 *   workload serves to `inbound|<port>||` (the application on 127.0.0.1), in the port's
 *   PeerAuthentication mode (mTLS chains as explicit mode's inbound listeners have them); other
 *   ports pass through to where they were headed.
 */
import type { MeshService } from '../model/mesh-service.ts';
import { buildInboundCluster } from './cluster-builder.ts';
import { inboundClusterName, outboundClusterName } from './cluster-name.ts';
import { corsFilter } from './cors.ts';
import { faultFilter } from './fault.ts';
import { hcmFilter, tcpProxyFilter } from './hcm-filter.ts';
import { buildInboundFilterChains, buildInboundFilters, TLS_INSPECTOR } from './inbound-chains.ts';
import { internedValue } from './memo.ts';
import { effectiveMtlsMode } from './peer-authentication.ts';
import { buildVirtualHost, type RouteContext } from './route-builder.ts';
import { isHttp } from './sidecar-listeners.ts';
import { sidecarFor } from './visibility.ts';
import { duration, type Json, type XdsResources } from './xds-resources.ts';

export const OUTBOUND_CAPTURE_PORT = 15001;
export const INBOUND_CAPTURE_PORT = 15006;
export const PASSTHROUGH = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH = 'InboundPassthroughCluster';
export const BLACKHOLE = 'BlackHoleCluster';

const ORIGINAL_DST_FILTER = {
  name: 'envoy.filters.listener.original_dst',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  },
};

/**
 * Everything but `virtualInbound` and the inbound clusters: what does not depend on the proxy's
 * addresses, so proxies that differ only in the ports they serve can share it.
 */
export function buildTransparentOutbound(
  services: readonly MeshService[],
  ctx: RouteContext,
  out: XdsResources,
): void {
  const registryOnly =
    sidecarFor(ctx.snapshot, ctx.proxy)?.spec.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY';
  const fallback = registryOnly ? BLACKHOLE : PASSTHROUGH;
  out.clusters.set(PASSTHROUGH, originalDstCluster(PASSTHROUGH));
  out.clusters.set(INBOUND_PASSTHROUGH, originalDstCluster(INBOUND_PASSTHROUGH));
  out.clusters.set(BLACKHOLE, {
    name: BLACKHOLE,
    type: 'STATIC',
    connect_timeout: '10s',
    load_assignment: { cluster_name: BLACKHOLE, endpoints: [] },
  });
  out.listeners.set('virtualOutbound', {
    name: 'virtualOutbound',
    address: { socket_address: { address: '0.0.0.0', port_value: OUTBOUND_CAPTURE_PORT } },
    use_original_dst: true,
    listener_filters: [ORIGINAL_DST_FILTER],
    traffic_direction: 'OUTBOUND',
    filter_chains: [{ name: fallback, filters: [tcpProxy(`outbound_${fallback}`, fallback)] }],
  });
  addOutboundPorts(services, ctx, out, fallback);
}

function addOutboundPorts(
  services: readonly MeshService[],
  ctx: RouteContext,
  out: XdsResources,
  fallback: string,
): void {
  const byPort = new Map<number, MeshService[]>();
  for (const s of services) {
    if (s.resolution === 'NONE') continue;
    for (const p of s.ports) {
      let list = byPort.get(p.number);
      if (list === undefined) byPort.set(p.number, (list = []));
      list.push(s);
    }
  }
  for (const [port, list] of [...byPort].sort((a, b) => a[0] - b[0])) {
    const name = `0.0.0.0_${port}`;
    const http = list.filter((s) => isHttp(s.ports.find((p) => p.number === port)!));
    if (http.length > 0) {
      const vhosts = http.map((s) => buildVirtualHost(s, port, ctx));
      out.routes.set(String(port), outboundRouteConfiguration(String(port), vhosts, fallback));
      out.listeners.set(
        name,
        notBound(name, port, [{ filters: [hcm(`outbound_0.0.0.0_${port}`, String(port))] }]),
      );
    } else {
      const chains = list
        .filter((s) => s.addresses.length > 0 || s.endpoints.length > 0)
        .map((s) => ({
          name: s.hostname,
          filter_chain_match: { prefix_ranges: prefixRanges(s) },
          filters: [tcpProxy(`outbound|${port}||${s.hostname}`, outboundClusterName(port, '', s.hostname))],
        }));
      out.listeners.set(name, {
        ...notBound(name, port, chains),
        default_filter_chain: { name: fallback, filters: [tcpProxy(`outbound_${fallback}`, fallback)] },
      });
    }
  }
}

/**
 * The ports a workload at `ips` serves, each with whether it speaks HTTP, in port order: the target
 * ports of the endpoints of `services` at one of those addresses (a later service wins a port).
 */
export function servedInboundPorts(
  services: readonly MeshService[],
  ips: readonly string[],
): [port: number, http: boolean][] {
  const addresses = new Set(ips);
  const served = new Map<number, boolean>();
  for (const s of services) {
    for (const ep of s.endpoints) {
      if (!addresses.has(ep.address)) continue;
      for (const p of s.ports) served.set(ep.ports[p.name] ?? (p.targetPort || p.number), isHttp(p));
    }
  }
  return [...served].sort((a, b) => a[0] - b[0]);
}

/**
 * An outbound port's route configuration: the services' virtual hosts, then a catch-all to the
 * fallback. Built once for the same (memoized) virtual hosts, so that it keeps its identity.
 */
function outboundRouteConfiguration(name: string, vhosts: readonly Json[], fallback: string): Json {
  return internedValue('transparent-route', [name, fallback, ...vhosts], () => ({
    name,
    virtual_hosts: [
      ...vhosts,
      {
        name: 'allow_any',
        domains: ['*'],
        routes: [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: fallback, timeout: '0s' } }],
      },
    ],
    validate_clusters: false,
  }));
}

/**
 * The ports this workload serves (endpoints of services at one of the proxy's addresses), each a
 * filter chain on its destination port in the port's PeerAuthentication mode.
 */
export function addTransparentInbound(
  services: readonly MeshService[],
  ctx: RouteContext,
  out: XdsResources,
): void {
  const chains: Json[] = [];
  let tls = false;
  for (const [port, http] of servedInboundPorts(services, ctx.proxy.ips)) {
    const cluster = inboundClusterName(port);
    out.clusters.set(
      cluster,
      buildInboundCluster(port, { address: '127.0.0.1', port }, http ? 'HTTP' : 'TCP'),
    );
    const mode = ctx.snapshot.security.mtls
      ? effectiveMtlsMode(ctx.snapshot, ctx.proxy.namespace, ctx.proxy.labels, port)
      : 'DISABLE';
    tls ||= mode !== 'DISABLE';
    const name = `0.0.0.0_${port}`;
    const filters = buildInboundFilters(ctx, http ? `inbound_${name}` : name, port, cluster, http, mode);
    chains.push(...buildInboundFilterChains(filters, mode, { name, match: { destination_port: port } }));
  }
  out.listeners.set('virtualInbound', {
    name: 'virtualInbound',
    address: { socket_address: { address: '0.0.0.0', port_value: INBOUND_CAPTURE_PORT } },
    listener_filters: tls ? [ORIGINAL_DST_FILTER, TLS_INSPECTOR] : [ORIGINAL_DST_FILTER],
    traffic_direction: 'INBOUND',
    filter_chains: chains,
    default_filter_chain: {
      name: INBOUND_PASSTHROUGH,
      filters: [tcpProxy('InboundPassthrough', INBOUND_PASSTHROUGH)],
    },
  });
}

function prefixRanges(s: MeshService): Json[] {
  const ips = s.addresses.length > 0 ? s.addresses : s.endpoints.map((e) => e.address);
  return [...new Set(ips)].map((ip) => ({ address_prefix: ip, prefix_len: ip.includes(':') ? 128 : 32 }));
}

function notBound(name: string, port: number, chains: Json[]): Json {
  return {
    name,
    address: { socket_address: { address: '0.0.0.0', port_value: port } },
    bind_to_port: false,
    traffic_direction: 'OUTBOUND',
    filter_chains: chains,
  };
}

function originalDstCluster(name: string): Json {
  return {
    name,
    type: 'ORIGINAL_DST',
    lb_policy: 'CLUSTER_PROVIDED',
    connect_timeout: duration(10_000),
    cleanup_interval: '60s',
  };
}

function tcpProxy(statPrefix: string, cluster: string): Json {
  return tcpProxyFilter(statPrefix, { cluster });
}

/** Outbound HTTP: the per-route CORS and fault filters VirtualServices configure, as in explicit mode. */
function hcm(statPrefix: string, route: string): Json {
  return hcmFilter(statPrefix, route, { httpFilters: [corsFilter(), faultFilter()] });
}
