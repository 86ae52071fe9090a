/**
 * Which Gateway servers a gateway proxy serves, and how they share listeners (Istio's MergeGateways,
 * simplified): every Gateway whose selector matches the proxy's labels, in any namespace; its servers
 * grouped by listener (`<bind>_<port>`). A listener carries one kind of traffic: plain-text HTTP servers
 * (merged into one route configuration per port), TLS servers (HTTPS and TLS, one filter chain per server
 * or SNI match), or one TCP server. A server that does not fit the listener its port already has is left
 * out with a note, as Istio does.
 */
import type { GatewayServer, ServiceProtocol } from '@tandem/api/istio';
import { labelsMatch } from '../model/mesh-service.ts';
import type { GatewayEntry, MeshSnapshot } from '../model/mesh-snapshot.ts';
import type { ProxyInfo } from '../proxy/proxy-info.ts';

export type GatewayListenerKind = 'http' | 'tls' | 'tcp';

/** One server of one Gateway, as this proxy serves it. */
export interface BoundServer {
  gateway: GatewayEntry;
  server: GatewayServer;
  /** `Gateway ns/name servers[i] (port n)`, for notes. */
  where: string;
}

export interface GatewayListenerPlan {
  /** Istio's listener name, `<bind>_<port>`. */
  name: string;
  bind: string;
  port: number;
  kind: GatewayListenerKind;
  servers: BoundServer[];
}

/** The wildcard address a gateway listener binds when its server names no `bind` (Istio's). */
export const WILDCARD_BIND = '0.0.0.0';

const HTTP: ReadonlySet<ServiceProtocol> = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);
const TLS: ReadonlySet<ServiceProtocol> = new Set(['HTTPS', 'TLS']);

function kindOf(protocol: ServiceProtocol): GatewayListenerKind | undefined {
  if (HTTP.has(protocol)) return 'http';
  if (TLS.has(protocol)) return 'tls';
  return protocol === 'UDP' ? undefined : 'tcp';
}

/** The Gateways that configure this proxy: selector labels all present on the proxy (empty selects all). */
export function gatewaysFor(snapshot: MeshSnapshot, proxy: ProxyInfo): GatewayEntry[] {
  return snapshot.gateways.filter((g) => labelsMatch(g.spec.selector, proxy.labels));
}

/** The proxy's gateway listeners, in port order then bind order, each with the servers it serves. */
export function planGatewayListeners(
  snapshot: MeshSnapshot,
  proxy: ProxyInfo,
  notes: string[],
): GatewayListenerPlan[] {
  const plans = new Map<string, GatewayListenerPlan>();
  for (const gateway of gatewaysFor(snapshot, proxy)) {
    gateway.spec.servers.forEach((server, i) => {
      const where = `Gateway ${gateway.key} servers[${i}] (port ${server.port.number})`;
      const kind = kindOf(server.port.protocol);
      if (kind === undefined) {
        notes.push(`${where}: protocol ${server.port.protocol} is not supported on gateways; not applied`);
        return;
      }
      if (server.bind.startsWith('unix://')) {
        notes.push(`${where}: bind ${server.bind}: gateway listeners on unix sockets are not supported yet`);
        return;
      }
      const bind = server.bind || WILDCARD_BIND;
      const name = `${bind}_${server.port.number}`;
      const plan = plans.get(name);
      const bound = { gateway, server, where };
      if (plan === undefined) {
        plans.set(name, { name, bind, port: server.port.number, kind, servers: [bound] });
      } else if (plan.kind !== kind || kind === 'tcp') {
        const first = plan.servers[0]!;
        notes.push(
          `${where}: listener ${name} already serves ${first.where} (${plan.kind}); a ${kind} server cannot share it, not applied`,
        );
      } else {
        plan.servers.push(bound);
      }
    });
  }
  return [...plans.values()].sort(
    (a, b) => a.port - b.port || (a.bind < b.bind ? -1 : a.bind > b.bind ? 1 : 0),
  );
}
