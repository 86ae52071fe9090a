/**
 * The ports a local workload serves, as its user declares them (`--port` flags of `tandem run`,
 * `ports` in tandem.yaml), and their resolution to concrete ports: every instance gets its own
 * sidecar inbound port, and an application port of `auto` is picked by the OS and handed to the
 * application in PORT / TANDEM_PORT_<port>.
 */
import { freePorts } from './free-ports.ts';
import type { PortProtocol, WorkloadPort } from './workload-spec.ts';

export interface PortDecl {
  name?: string;
  port: number;
  protocol: PortProtocol;
  /** Where the application listens; `auto` lets the OS pick (the app reads PORT). */
  targetPort: number | 'auto';
}

export const PROTOCOLS: readonly PortProtocol[] = ['HTTP', 'HTTP2', 'GRPC', 'TCP'];

/**
 * `[NAME=]PORT[:APP_PORT|:auto][/PROTOCOL]`: `9080`, `9080:auto`, `grpc=50051/grpc`, `5000/tcp`.
 * The application listens on PORT unless APP_PORT says otherwise; the protocol defaults to HTTP.
 */
export function parsePortFlag(text: string): PortDecl | string {
  const m = /^(?:([a-z0-9][-a-z0-9]*)=)?(\d+)(?::(\d+|auto))?(?:\/([A-Za-z0-9]+))?$/.exec(text.trim());
  if (m === null)
    return `--port "${text}": expected [NAME=]PORT[:APP_PORT|:auto][/PROTOCOL], e.g. 9080 or 9080:auto/http`;
  const port = Number(m[2]);
  if (!isPort(port)) return `--port "${text}": ${port} is not a port number (1-65535)`;
  const protocol = (m[4] ?? 'HTTP').toUpperCase() as PortProtocol;
  if (!PROTOCOLS.includes(protocol))
    return `--port "${text}": protocol "${m[4]}" is not one of ${PROTOCOLS.join(', ').toLowerCase()}`;
  let targetPort: number | 'auto' = port;
  if (m[3] === 'auto') targetPort = 'auto';
  else if (m[3] !== undefined) {
    targetPort = Number(m[3]);
    if (!isPort(targetPort)) return `--port "${text}": ${m[3]} is not a port number (1-65535)`;
  }
  return { ...(m[1] !== undefined ? { name: m[1] } : {}), port, protocol, targetPort };
}

export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Istio-style port names: the protocol (`http`, `grpc`), with the number when it repeats. */
export function portName(decl: PortDecl, all: readonly PortDecl[]): string {
  if (decl.name !== undefined) return decl.name;
  const proto = decl.protocol.toLowerCase();
  return all.filter((d) => d.protocol === decl.protocol).length > 1 ? `${proto}-${decl.port}` : proto;
}

/**
 * Concrete ports. Explicit mode (instances share the host's loopback): a fresh sidecar inbound port
 * per declared port, and `auto` app ports picked by the OS. Transparent mode (a pod per instance):
 * nothing to share, so `auto` is the service port itself and peers connect to the application's
 * port, which iptables hands to the sidecar (Kubernetes' targetPort).
 */
export async function resolvePorts(
  decls: readonly PortDecl[],
  mode: 'explicit' | 'transparent' = 'explicit',
): Promise<WorkloadPort[]> {
  if (mode === 'transparent')
    return decls.map((d) => {
      const targetPort = d.targetPort === 'auto' ? d.port : d.targetPort;
      return {
        name: portName(d, decls),
        port: d.port,
        protocol: d.protocol,
        endpointPort: targetPort,
        targetPort,
      };
    });
  const autos = decls.filter((d) => d.targetPort === 'auto').length;
  const free = await freePorts(decls.length + autos);
  return decls.map((d) => ({
    name: portName(d, decls),
    port: d.port,
    protocol: d.protocol,
    endpointPort: free.shift()!,
    targetPort: d.targetPort === 'auto' ? free.shift()! : d.targetPort,
  }));
}
