/**
 * Listeners and routes for a sidecar whose application talks to it explicitly (interception mode
 * NONE, as Istio names it): an outbound listener on 127.0.0.1 per service port (HTTP ports route
 * by Host through RDS `<port>`; TCP ports go straight to the service), an HTTP proxy listener when
 * the proxy asks for one (metadata HTTP_PROXY_PORT, Istio's proxyHttpPort) routing every HTTP
 * service by `host:port` through RDS `http_proxy`, and inbound listeners from the Sidecar
 * resource's `ingress` to the local application.
 *
 * Several sidecars sharing one host's loopback (Tandem's local mode) cannot all bind the
 * per-port listeners; metadata OUTBOUND_LISTENERS=http-proxy leaves them out, so that the HTTP
 * proxy listener is the sidecar's only outbound entry point.
 */
import type { ServicePort } from '@tandem/api/istio';
import type { MeshService } from '../model/mesh-service.ts';
import { parseRegistration } from '../registry/workload-registrations.ts';
import { buildInboundCluster } from './cluster-builder.ts';
import { inboundClusterName, outboundClusterName } from './cluster-name.ts';
import { corsFilter } from './cors.ts';
import { faultFilter } from './fault.ts';
import { hcmFilter, tcpProxyFilter } from './hcm-filter.ts';
import { buildInboundFilterChains, buildInboundFilters, TLS_INSPECTOR } from './inbound-chains.ts';
import { internedValue } from './memo.ts';
import { effectiveMtlsMode } from './peer-authentication.ts';
import { buildVirtualHost, type RouteContext, virtualServiceFor } from './route-builder.ts';
import { sidecarFor } from './visibility.ts';
import type { Json, XdsResources } from './xds-resources.ts';

const HTTP_PROTOCOLS = new Set<ServicePort['protocol']>(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
export const HTTP_PROXY_ROUTE = 'http_proxy';
/** Node metadata: the port of an HTTP proxy listener to add (Istio's proxyHttpPort). */
export const HTTP_PROXY_PORT_METADATA = 'HTTP_PROXY_PORT';
/** Node metadata: `http-proxy` leaves out the per-port outbound listeners. */
export const OUTBOUND_LISTENERS_METADATA = 'OUTBOUND_LISTENERS';

export function isHttp(p: ServicePort): boolean {
  return HTTP_PROTOCOLS.has(p.protocol);
}

export function buildSidecarListeners(
  services: readonly MeshService[],
  ctx: RouteContext,
  out: XdsResources,
): void {
  const byPort = new Map<number, { service: MeshService; port: ServicePort }[]>();
  for (const service of services) {
    if (service.resolution === 'NONE') continue;
    for (const port of service.ports) {
      let list = byPort.get(port.number);
      if (list === undefined) byPort.set(port.number, (list = []));
      list.push({ service, port });
    }
  }
  const perPort = ctx.proxy.metadata[OUTBOUND_LISTENERS_METADATA] !== 'http-proxy';
  for (const [number, entries] of [...byPort].sort((a, b) => a[0] - b[0])) {
    if (!perPort) break;
    const http = entries.filter((e) => isHttp(e.port));
    if (http.length > 0) {
      const name = String(number);
      const vhosts = http.map((e) => buildVirtualHost(e.service, number, ctx));
      // Built once for the same (memoized) virtual hosts, so that it keeps its identity.
      out.routes.set(
        name,
        internedValue('sidecar-route', [name, ...vhosts], () => ({
          name,
          virtual_hosts: vhosts,
          validate_clusters: false,
        })),
      );
      out.listeners.set(
        `127.0.0.1_${number}`,
        httpListener(`127.0.0.1_${number}`, '127.0.0.1', number, name, 'outbound'),
      );
    } else {
      const tcp = entries[0]!;
      if (entries.length > 1)
        ctx.notes.push(
          `port ${number}: TCP services ${entries.map((e) => e.service.hostname).join(', ')} share a port; ${tcp.service.hostname} gets it`,
        );
      out.listeners.set(
        `127.0.0.1_${number}`,
        tcpListener(`127.0.0.1_${number}`, '127.0.0.1', number, tcpRoute(tcp.service, number, ctx)),
      );
    }
  }
  addHttpProxyListener(byPort, ctx, out);
  addInbound(ctx, out);
}

function addHttpProxyListener(
  byPort: Map<number, { service: MeshService; port: ServicePort }[]>,
  ctx: RouteContext,
  out: XdsResources,
): void {
  const port = Number(ctx.proxy.metadata[HTTP_PROXY_PORT_METADATA] ?? 0);
  if (!Number.isInteger(port) || port <= 0) return;
  const vhosts: Json[] = [];
  for (const [number, entries] of byPort) {
    for (const e of entries) {
      if (!isHttp(e.port)) continue;
      const vh = buildVirtualHost(e.service, number, ctx);
      // Only `name:port` forms: bare names would collide between ports of one service.
      const domains = (vh['domains'] as string[]).filter((d) => d.endsWith(`:${number}`) || number === 80);
      vhosts.push({ ...vh, domains });
    }
  }
  out.routes.set(HTTP_PROXY_ROUTE, {
    name: HTTP_PROXY_ROUTE,
    virtual_hosts: vhosts,
    validate_clusters: false,
  });
  out.listeners.set(
    `127.0.0.1_${port}`,
    httpListener(`127.0.0.1_${port}`, '127.0.0.1', port, HTTP_PROXY_ROUTE, 'outbound'),
  );
}

/** TCP routing: the VirtualService's first tcp route (weighted), else the service itself. */
function tcpRoute(service: MeshService, port: number, ctx: RouteContext): Json {
  const vs = virtualServiceFor(ctx.snapshot, service.hostname);
  const route = vs?.spec.tcp.find(
    (t) => t.match.length === 0 || t.match.some((m) => m.port === 0 || m.port === port),
  );
  if (route === undefined || route.route.length === 0)
    return { cluster: outboundClusterName(port, '', service.hostname) };
  const clusters = route.route.map((r) => ({
    name: outboundClusterName(r.destination.port || port, r.destination.subset, service.hostname),
    weight: r.weight || 100,
  }));
  return clusters.length === 1 ? { cluster: clusters[0]!.name } : { weighted_clusters: { clusters } };
}

function addInbound(ctx: RouteContext, out: XdsResources): void {
  const sidecar = sidecarFor(ctx.snapshot, ctx.proxy);
  const ingress = sidecar?.spec.ingress ?? [];
  if (ingress.length === 0) return addRegisteredInbound(ctx, out);
  for (const ing of ingress) {
    const endpoint = parseEndpoint(ing.defaultEndpoint, ing.port.number);
    if (endpoint === undefined) {
      ctx.notes.push(
        `Sidecar ingress port ${ing.port.number}: defaultEndpoint "${ing.defaultEndpoint}" is not ip:port`,
      );
      continue;
    }
    addInboundListener(
      ctx,
      ing.bind || '0.0.0.0',
      ing.port.number,
      endpoint,
      isHttp(ing.port),
      ing.port.protocol,
      out,
    );
  }
}

/**
 * Without Sidecar ingress, a workload registered by its sidecar (TANDEM_WORKLOAD, local mode) gets
 * an inbound listener per registered port: on the endpoint port other sidecars connect to,
 * forwarding to the application's port on loopback.
 */
function addRegisteredInbound(ctx: RouteContext, out: XdsResources): void {
  const parsed = parseRegistration(ctx.proxy);
  if (parsed.kind !== 'ok') return;
  const { address, ports } = parsed.registration;
  for (const p of ports) {
    const protocol = p.protocol.toUpperCase() as ServicePort['protocol'];
    addInboundListener(
      ctx,
      address,
      p.endpointPort,
      { address: '127.0.0.1', port: p.targetPort },
      HTTP_PROTOCOLS.has(protocol),
      protocol,
      out,
    );
  }
}

/** An inbound listener and its cluster to the application, in the port's PeerAuthentication mode. */
function addInboundListener(
  ctx: RouteContext,
  bind: string,
  port: number,
  endpoint: { address: string; port: number },
  http: boolean,
  protocol: ServicePort['protocol'],
  out: XdsResources,
): void {
  const name = `${bind}_${port}`;
  const cluster = inboundClusterName(port);
  out.clusters.set(cluster, buildInboundCluster(port, endpoint, protocol));
  const mode = ctx.snapshot.security.mtls
    ? effectiveMtlsMode(ctx.snapshot, ctx.proxy.namespace, ctx.proxy.labels, port)
    : 'DISABLE';
  const filters = buildInboundFilters(ctx, http ? `inbound_${name}` : name, port, cluster, http, mode);
  const listener: Json = {
    name,
    address: { socket_address: { address: bind, port_value: port } },
    traffic_direction: 'INBOUND',
  };
  if (mode !== 'DISABLE') listener['listener_filters'] = [TLS_INSPECTOR];
  listener['filter_chains'] = buildInboundFilterChains(filters, mode);
  out.listeners.set(name, listener);
}

/** `127.0.0.1:8080`, `unix://...` (unsupported), or empty (then 127.0.0.1 and the same port). */
function parseEndpoint(text: string, port: number): { address: string; port: number } | undefined {
  if (text === '') return { address: '127.0.0.1', port };
  const m = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:]+\]):(\d+)$/.exec(text);
  if (!m) return undefined;
  return { address: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/** An HTTP listener; outbound ones carry the per-route CORS and fault filters VirtualServices configure. */
export function httpListener(
  name: string,
  address: string,
  port: number,
  route: string | Json,
  direction: 'inbound' | 'outbound',
): Json {
  const httpFilters = direction === 'outbound' ? [corsFilter(), faultFilter()] : [];
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    traffic_direction: direction === 'inbound' ? 'INBOUND' : 'OUTBOUND',
    filter_chains: [{ filters: [hcmFilter(`${direction}_${address}_${port}`, route, { httpFilters })] }],
  };
}

function tcpListener(
  name: string,
  address: string,
  port: number,
  target: Json,
  direction: 'INBOUND' | 'OUTBOUND' = 'OUTBOUND',
): Json {
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    traffic_direction: direction,
    filter_chains: [{ filters: [tcpProxyFilter(name, target)] }],
  };
}
