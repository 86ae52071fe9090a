/**
 * Sidecar: which hosts a workload's proxy can reach (`egress.hosts` as `namespace/dnsName`), its inbound
 * ports, and the outbound traffic policy. Listener TLS, capture modes and egress proxies are checked but not
 * applied yet.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str, struct } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkWildcardDomain, isDns1123Label, isPartialWildcard } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid, networkingWorkloadSelector, notApplied } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { Sidecar } from '../types.ts';
import { connectionPoolSettings } from './connection-pool.ts';
import { destination } from './destination.ts';
import { servicePort } from './service-port.ts';
import { checkUnixSocketPath, UNIX_PREFIX } from './workload-entry.ts';

const CAPTURE = { DEFAULT: 0, IPTABLES: 1, NONE: 2 };
const sidecarPort = servicePort({ nameOptional: true, allowZero: true });

/** Why an egress host is not `namespace/dnsName`, or `undefined`. */
export function checkEgressHost(host: string): string | undefined {
  const slash = host.indexOf('/');
  if (slash < 0)
    return `egress host "${host}" must be of the form namespace/dnsName (e.g. "./*", "istio-system/*")`;
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  if (ns === '' || name === '') return `egress host "${host}": namespace and dnsName must not be empty`;
  if (!['*', '.', '~'].includes(ns) && !isDns1123Label(ns))
    return `egress host "${host}": invalid namespace "${ns}"`;
  if (name !== '*' && !name.includes('.'))
    return `egress host "${host}": short names are not allowed, use a fully qualified name`;
  if (isPartialWildcard(name)) return `egress host "${host}": partial wildcards are not allowed`;
  return checkWildcardDomain(name);
}

function checkBind(bind: string, port: number, ctx: ValidationContext): void {
  if (bind.startsWith(UNIX_PREFIX)) {
    const reason = checkUnixSocketPath(bind.slice(UNIX_PREFIX.length));
    if (reason !== undefined) invalid(ctx, reason);
  } else if (port === 0) invalid(ctx, 'a listener on port 0 must bind a unix socket (unix://...)');
  else if (bind !== '' && !isIpAddress(bind)) invalid(ctx, `bind "${bind}" is not an IP address`);
}

function checkDefaultEndpoint(endpoint: string, ctx: ValidationContext): void {
  if (endpoint === '') return;
  if (endpoint.startsWith(UNIX_PREFIX)) {
    const reason = checkUnixSocketPath(endpoint.slice(UNIX_PREFIX.length));
    if (reason !== undefined) invalid(ctx, reason);
    return;
  }
  const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(endpoint);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (
    match === null ||
    !['', '127.0.0.1', '0.0.0.0', '::1', '::'].includes(host ?? 'x') ||
    port < 1 ||
    port > 65535
  ) {
    invalid(
      ctx,
      'defaultEndpoint must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix://<path>',
    );
  }
}

const ingress = message({
  name: 'istio.networking.v1.IstioIngressListener',
  fields: {
    port: required(sidecarPort),
    bind: withDefault(str, ''),
    captureMode: optional(notApplied(enumOf('CaptureMode', CAPTURE), 'captureMode')),
    defaultEndpoint: withDefault(str, ''),
    tls: optional(notApplied(struct, 'TLS termination on sidecar ingress listeners')),
    connectionPool: optional(notApplied(connectionPoolSettings, 'per-port inbound connection pools')),
  },
  build: (v, ctx) => {
    if (v.port.number === 0)
      invalid(ctx.field('port').field('number'), 'an ingress listener needs a port number');
    if (v.port.targetPort !== 0)
      invalid(ctx.field('port').field('targetPort'), 'targetPort has no effect in a Sidecar');
    if (v.bind !== '' && !isIpAddress(v.bind))
      invalid(ctx.field('bind'), `bind "${v.bind}" is not an IP address`);
    checkDefaultEndpoint(v.defaultEndpoint, ctx.field('defaultEndpoint'));
    return { port: v.port, bind: v.bind, defaultEndpoint: v.defaultEndpoint };
  },
});

function checkEgressHosts(hosts: string[], ctx: ValidationContext): void {
  if (hosts.length === 0) invalid(ctx, 'an egress listener needs at least one host');
  hosts.forEach((host, i) => {
    const reason = checkEgressHost(host);
    if (reason !== undefined) invalid(ctx.item(i), reason);
  });
  if (hosts.includes('*/*') && hosts.length > 1)
    ctx.warn(IstioIssueCode.ineffective, '"*/*" already selects every host; the other hosts add nothing');
}

const egress = message({
  name: 'istio.networking.v1.IstioEgressListener',
  fields: {
    port: optional(sidecarPort),
    bind: withDefault(str, ''),
    captureMode: optional(notApplied(enumOf('CaptureMode', CAPTURE), 'captureMode')),
    hosts: withDefault(listOf(str), []),
  },
  build: (v, ctx) => {
    checkEgressHosts(v.hosts, ctx.field('hosts'));
    if (v.port !== undefined) {
      if (v.port.targetPort !== 0)
        invalid(ctx.field('port').field('targetPort'), 'targetPort has no effect in a Sidecar');
      checkBind(v.bind, v.port.number, ctx.field('bind'));
    }
    return { port: v.port, bind: v.bind, hosts: v.hosts };
  },
});

const outboundTrafficPolicy = message({
  name: 'istio.networking.v1.OutboundTrafficPolicy',
  fields: {
    mode: withDefault(enumOf('Mode', { REGISTRY_ONLY: 0, ALLOW_ANY: 1 }), 'REGISTRY_ONLY'),
    egressProxy: optional(notApplied(destination, 'egressProxy')),
  },
  enter: (raw, ctx) => {
    if (raw.egressProxy != null && raw.mode !== 'ALLOW_ANY')
      invalid(ctx.field('egressProxy'), 'egressProxy needs mode ALLOW_ANY');
    return ctx;
  },
  build: (v) => ({ mode: v.mode }),
});

function checkEgressList(list: Sidecar['egress'], ctx: ValidationContext): void {
  const ports = new Set<number>();
  list.forEach((listener, i) => {
    if (listener.port === undefined) {
      if (i !== list.length - 1)
        invalid(ctx.item(i), 'only the last egress listener may leave out the port (the catch-all listener)');
      return;
    }
    if (listener.port.number !== 0 && ports.has(listener.port.number))
      invalid(ctx.item(i), `port ${listener.port.number} is used by another egress listener`);
    ports.add(listener.port.number);
  });
}

export const sidecar: Schema<Sidecar> = message({
  name: 'istio.networking.v1.Sidecar',
  fields: {
    workloadSelector: optional(networkingWorkloadSelector),
    ingress: withDefault(listOf(ingress), []),
    egress: withDefault(listOf(egress), []),
    inboundConnectionPool: optional(notApplied(connectionPoolSettings, 'inboundConnectionPool')),
    outboundTrafficPolicy: optional(outboundTrafficPolicy),
  },
  enter: (raw, ctx) => {
    const empty = (x: unknown) => x == null || (Array.isArray(x) && x.length === 0);
    if (
      empty(raw.ingress) &&
      empty(raw.egress) &&
      raw.outboundTrafficPolicy == null &&
      raw.inboundConnectionPool == null
    ) {
      invalid(ctx, 'a Sidecar needs ingress, egress, outboundTrafficPolicy or inboundConnectionPool');
    }
    return ctx;
  },
  build: (v, ctx) => {
    const ingressPorts = new Set<number>();
    v.ingress.forEach((listener, i) => {
      if (ingressPorts.has(listener.port.number))
        invalid(
          ctx.field('ingress').item(i),
          `port ${listener.port.number} is used by another ingress listener`,
        );
      ingressPorts.add(listener.port.number);
    });
    checkEgressList(v.egress, ctx.field('egress'));
    return {
      workloadSelector: v.workloadSelector,
      ingress: v.ingress,
      egress: v.egress,
      outboundTrafficPolicy: v.outboundTrafficPolicy,
    };
  },
});
