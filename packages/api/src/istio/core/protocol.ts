/**
 * Port protocols as Istio names them, and how Istio derives one from a Kubernetes port: the `appProtocol`
 * first, then the port name's prefix before the first `-` (`http-web` -> HTTP, `grpc-web-x` -> GRPC-WEB).
 */
import type { ServiceProtocol } from '../types.ts';

const BY_LOWER_NAME: Readonly<Record<string, ServiceProtocol>> = {
  http: 'HTTP',
  https: 'HTTPS',
  http2: 'HTTP2',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-WEB',
  tcp: 'TCP',
  tls: 'TLS',
  mongo: 'MONGO',
  redis: 'REDIS',
  mysql: 'MYSQL',
  udp: 'UDP',
  http_proxy: 'HTTP_PROXY',
};

/** Kubernetes-defined `appProtocol` values (RFC-style names are parsed like protocol names). */
const KUBE_APP_PROTOCOLS: Readonly<Record<string, ServiceProtocol>> = {
  'kubernetes.io/h2c': 'HTTP2',
  'kubernetes.io/ws': 'HTTP',
  'kubernetes.io/wss': 'HTTPS',
};

/** The protocol an Istio `protocol:` value names (case-insensitive), or `undefined` if Istio does not know it. */
export function parseProtocol(name: string): ServiceProtocol | undefined {
  return BY_LOWER_NAME[name.toLowerCase()];
}

/** Protocols carried over HTTP (routable by HTTP routes). */
export function isHttpProtocol(protocol: ServiceProtocol): boolean {
  return ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB'].includes(protocol);
}

/** Protocols on top of TLS (SNI available). */
export function isTlsProtocol(protocol: ServiceProtocol): boolean {
  return protocol === 'HTTPS' || protocol === 'TLS';
}

/**
 * The protocol of a port from its name and (Kubernetes) `appProtocol`, TCP when neither names one.
 *
 * @example
 * protocolFromPort('http-web');              // 'HTTP'
 * protocolFromPort('web', 'kubernetes.io/h2c'); // 'HTTP2'
 * protocolFromPort('metrics');               // 'TCP'
 */
export function protocolFromPort(name: string, appProtocol = '', transport = 'TCP'): ServiceProtocol {
  if (transport.toUpperCase() === 'UDP') return 'UDP';
  const fromApp =
    KUBE_APP_PROTOCOLS[appProtocol] ?? (appProtocol === '' ? undefined : parseProtocol(appProtocol));
  if (fromApp !== undefined) return fromApp;
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-WEB';
  const dash = name.indexOf('-');
  const fromName = parseProtocol(dash < 0 ? name : name.slice(0, dash));
  return fromName === undefined || fromName === 'UDP' ? 'TCP' : fromName;
}
