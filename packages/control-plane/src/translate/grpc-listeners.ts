/**
 * Listeners and routes for proxyless gRPC: a client resolving `xds:///host:port` asks LDS for a
 * listener named exactly `host:port` (an api_listener whose HCM names an RDS route of the same
 * name); an xDS-enabled gRPC server asks for
 * `grpc/server?xds.resource.listening_address=<ip>:<port>` (a socket listener whose routes carry
 * `non_forwarding_action`). Both are generated for every name the proxy may ask for; the ADS
 * server answers only the names requested.
 */

import { hostAliases } from '../model/hostnames.ts';
import type { MeshService } from '../model/mesh-service.ts';
import { faultFilter } from './fault.ts';
import { buildVirtualHost, type RouteContext } from './route-builder.ts';
import { isHttp } from './sidecar-listeners.ts';
import { type Json, TYPE, type XdsResources } from './xds-resources.ts';

export const GRPC_SERVER_LISTENER_PREFIX = 'grpc/server?xds.resource.listening_address=';

const ROUTER = { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE.router } };

export function buildGrpcListeners(
  services: readonly MeshService[],
  ctx: RouteContext,
  out: XdsResources,
): void {
  for (const service of services) {
    if (service.resolution === 'NONE') continue;
    for (const port of service.ports) {
      if (!isHttp(port)) continue;
      const names = hostAliases(service.hostname, ctx.proxy.namespace).map((h) => `${h}:${port.number}`);
      for (const name of names) {
        const vh = buildVirtualHost(service, port.number, ctx, [name]);
        out.routes.set(name, { name, virtual_hosts: [vh] });
        out.listeners.set(name, clientListener(name));
      }
    }
  }
  addServerListeners(services, ctx, out);
}

function clientListener(name: string): Json {
  return {
    name,
    api_listener: {
      api_listener: {
        '@type': TYPE.hcm,
        stat_prefix: name,
        rds: { route_config_name: name, config_source: { ads: {}, resource_api_version: 'V3' } },
        http_filters: [faultFilter(), ROUTER],
      },
    },
  };
}

/** Server listeners for the ports this workload serves (endpoints at the proxy's own IPs). */
function addServerListeners(services: readonly MeshService[], ctx: RouteContext, out: XdsResources): void {
  const ips = new Set(ctx.proxy.ips);
  const ports = new Set<number>();
  for (const service of services) {
    for (const ep of service.endpoints) {
      if (!ips.has(ep.address)) continue;
      for (const p of service.ports) ports.add(ep.ports[p.name] ?? (p.targetPort || p.number));
    }
  }
  const addresses = ['0.0.0.0', '[::]', ...ctx.proxy.ips];
  for (const port of ports) {
    for (const address of addresses) {
      const name = `${GRPC_SERVER_LISTENER_PREFIX}${address}:${port}`;
      out.listeners.set(name, serverListener(name, address.replace(/^\[|\]$/g, ''), port));
    }
  }
}

function serverListener(name: string, address: string, port: number): Json {
  const hcm = {
    '@type': TYPE.hcm,
    stat_prefix: `inbound_${port}`,
    route_config: {
      name: `inbound|${port}`,
      virtual_hosts: [
        { name: 'inbound', domains: ['*'], routes: [{ match: { prefix: '' }, non_forwarding_action: {} }] },
      ],
    },
    // Fault injection is a client-side filter in gRPC; servers reject it.
    http_filters: [ROUTER],
  };
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    filter_chains: [
      { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] },
    ],
  };
}
