/**
 * One server of a Gateway: the port it listens on (a protocol Istio knows, a name, no targetPort), where it
 * binds (an IP, or `unix://` with port 0), the hosts it exposes (`namespace/host`, with `.` for the
 * Gateway's namespace and `*` for any; no short names, no partial wildcards) and its TLS settings, which must
 * fit the protocol: HTTPS and TLS need them; plain-text HTTP takes only `httpsRedirect`; others take none.
 */
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { uint32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import { refine, type Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkWildcardDomain, isDns1123Label, isPartialWildcard } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid, notApplied, stringList } from '../core/istio-fields.ts';
import { isHttpProtocol, isTlsProtocol, parseProtocol } from '../core/protocol.ts';
import type { GatewayPort, GatewayServer, ServerTlsSettings } from '../types.ts';
import { serverTlsSettings } from './server-tls.ts';
import { checkUnixSocketPath, UNIX_PREFIX } from './workload-entry.ts';

const gatewayPort: Schema<GatewayPort> = message({
  name: 'istio.networking.v1.Port',
  fields: {
    number: withDefault(uint32({ max: 65535 }), 0),
    protocol: withDefault(str, ''),
    name: withDefault(str, ''),
    targetPort: withDefault(uint32({ max: 65535 }), 0),
  },
  build: (v, ctx) => {
    const protocol = parseProtocol(v.protocol);
    if (protocol === undefined)
      invalid(
        ctx.field('protocol'),
        `invalid protocol "${v.protocol}"; supported protocols are HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS and MYSQL`,
      );
    if (v.name === '') invalid(ctx.field('name'), 'a server port needs a name');
    if (v.targetPort !== 0) invalid(ctx.field('targetPort'), 'targetPort has no effect on Gateways');
    return { number: v.number, protocol: protocol ?? 'TCP', name: v.name, targetPort: v.targetPort };
  },
});

/** Why a server host (`namespace/host` or a bare host) is invalid, or `undefined`. */
export function checkServerHost(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  const host = slash < 0 ? entry : entry.slice(slash + 1);
  if (slash >= 0) {
    const ns = entry.slice(0, slash);
    if (ns === '' || host === '') return `host "${entry}": namespace and host must not be empty`;
    if (ns !== '*' && ns !== '.' && !isDns1123Label(ns))
      return `host "${entry}": invalid namespace "${ns}" (a namespace name, "." or "*")`;
  }
  if (host !== '*' && !host.includes('.'))
    return `host "${entry}": short names are not allowed, use a fully qualified name (or "*")`;
  if (isPartialWildcard(host)) return `host "${entry}": partial wildcard "${host}" is not allowed`;
  const reason = checkWildcardDomain(host);
  return reason === undefined || isIpAddress(host) ? undefined : `host "${entry}": ${reason}`;
}

function checkHosts(hosts: string[], ctx: ValidationContext): void {
  if (hosts.length === 0) invalid(ctx, 'a server needs at least one host');
  hosts.forEach((host, i) => {
    const reason = checkServerHost(host);
    if (reason !== undefined) invalid(ctx.item(i), reason);
  });
}

function checkBind(bind: string, port: number, ctx: ValidationContext): void {
  if (bind.startsWith(UNIX_PREFIX)) {
    const reason = checkUnixSocketPath(bind.slice(UNIX_PREFIX.length));
    if (reason !== undefined) invalid(ctx.field('bind'), reason);
    if (port !== 0)
      invalid(ctx.field('port').field('number'), `a server bound to a unix socket needs port 0, not ${port}`);
    return;
  }
  if (bind !== '' && !isIpAddress(bind)) invalid(ctx.field('bind'), `bind "${bind}" is not an IP address`);
  if (port === 0) invalid(ctx.field('port').field('number'), 'port must be between 1 and 65535, got 0');
}

function checkTlsForProtocol(port: GatewayPort, tls: ServerTlsSettings | undefined, ctx: ValidationContext) {
  if (isTlsProtocol(port.protocol)) {
    if (tls === undefined)
      invalid(ctx.field('tls'), `a server with protocol ${port.protocol} needs TLS settings`);
    return;
  }
  if (tls === undefined) return;
  if (!isHttpProtocol(port.protocol)) {
    invalid(
      ctx.field('tls'),
      `a server with protocol ${port.protocol} cannot have TLS settings (only HTTPS and TLS servers can)`,
    );
    return;
  }
  const passthrough = tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH';
  if (!passthrough || tls.caCertificates !== '' || tls.privateKey !== '' || tls.serverCertificate !== '')
    invalid(
      ctx.field('tls'),
      `a plain-text ${port.protocol} server cannot have TLS settings other than httpsRedirect`,
    );
}

export const gatewayServer: Schema<GatewayServer> = message({
  name: 'istio.networking.v1.Server',
  fields: {
    port: required(gatewayPort),
    bind: withDefault(str, ''),
    hosts: withDefault(refine(stringList, checkHosts), []),
    tls: optional(serverTlsSettings),
    defaultEndpoint: optional(notApplied(str, 'defaultEndpoint')),
    name: withDefault(str, ''),
  },
  enter: (raw, ctx) => {
    if (raw.hosts === undefined || raw.hosts === null)
      invalid(ctx.field('hosts'), 'a server needs at least one host');
    return ctx;
  },
  build: (v, ctx) => {
    checkBind(v.bind, v.port.number, ctx);
    checkTlsForProtocol(v.port, v.tls, ctx);
    return { port: v.port, bind: v.bind, hosts: v.hosts, tls: v.tls, name: v.name };
  },
});
