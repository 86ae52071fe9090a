/**
 * ServiceEntry: hosts added to the mesh's registry. The rules tie resolution to addresses and endpoints:
 * CIDR addresses only with NONE/STATIC; NONE has no endpoints; STATIC endpoints are IPs or Unix sockets;
 * DNS without endpoints needs plain DNS names as hosts; DNS_ROUND_ROBIN has at most one endpoint.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { type FieldValues, message } from '../../envoy/schema/message.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkFqdn, checkWildcardDomain, isPartialWildcard } from '../core/hostname.ts';
import { checkIpOrCidr } from '../core/ip.ts';
import { invalid, networkingWorkloadSelector, stringList } from '../core/istio-fields.ts';
import { isHttpProtocol, isTlsProtocol } from '../core/protocol.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { ServiceEntry } from '../types.ts';
import { servicePort } from './service-port.ts';
import { checkWorkloadEntry, workloadEntryFields } from './workload-entry.ts';

const RESOLUTION = { NONE: 0, STATIC: 1, DNS: 2, DNS_ROUND_ROBIN: 3, DYNAMIC_DNS: 4 };

const ports = listOf(servicePort(), {
  unique: [
    { key: (p) => p.name, message: (name, i) => `port name "${name}" is already used by ports[${i}]` },
    { key: (p) => String(p.number), message: (n, i) => `port ${n} is already defined by ports[${i}]` },
  ],
});

const fields = {
  hosts: withDefault(stringList, []),
  addresses: withDefault(stringList, []),
  ports: withDefault(ports, []),
  location: withDefault(enumOf('Location', { MESH_EXTERNAL: 0, MESH_INTERNAL: 1 }), 'MESH_EXTERNAL'),
  resolution: withDefault(
    enumOf('Resolution', RESOLUTION, ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN']),
    'NONE',
  ),
  endpoints: optional(listOf(workloadEntryFields)),
  workloadSelector: optional(networkingWorkloadSelector),
  exportTo: withDefault(stringList, []),
  subjectAltNames: withDefault(stringList, []),
};

type Values = FieldValues<typeof fields>;

function checkHosts(v: Values, ctx: ValidationContext): void {
  if (v.hosts.length === 0) invalid(ctx, 'a ServiceEntry needs at least one host');
  v.hosts.forEach((host, i) => {
    const reason = host === '*' ? 'host "*" is not allowed in a ServiceEntry' : checkWildcardDomain(host);
    if (reason !== undefined) invalid(ctx.item(i), reason);
    else if (isPartialWildcard(host))
      ctx
        .item(i)
        .warn(IstioIssueCode.ineffective, `partial wildcard "${host}" is not supported as a wildcard`);
  });
}

function checkAddresses(v: Values, ctx: ValidationContext): void {
  v.addresses.forEach((address, i) => {
    const reason = checkIpOrCidr(address);
    if (reason !== undefined) invalid(ctx.item(i), reason);
  });
  if (v.addresses.some((a) => a.includes('/')) && v.resolution !== 'NONE' && v.resolution !== 'STATIC') {
    invalid(ctx, `CIDR addresses are only allowed with resolution NONE or STATIC, not ${v.resolution}`);
  }
}

function checkEndpoints(v: Values, ctx: ValidationContext): void {
  const endpoints = v.endpoints ?? [];
  const servicePortNames = new Set(v.ports.map((p) => p.name));
  const at = ctx.field('endpoints');
  if (v.resolution === 'NONE' && endpoints.length > 0) invalid(at, 'resolution NONE takes no endpoints');
  if (v.resolution === 'STATIC') {
    endpoints.forEach((we, i) => {
      checkWorkloadEntry(we, at.item(i), { allowFqdn: false, servicePortNames });
    });
  }
  if (v.resolution !== 'DNS' && v.resolution !== 'DNS_ROUND_ROBIN') return;
  if (endpoints.length === 0) {
    v.hosts.forEach((host, i) => {
      if (checkFqdn(host) !== undefined)
        invalid(
          ctx.field('hosts').item(i),
          `hosts must be DNS names (no wildcards) when resolution is ${v.resolution} and there are no endpoints`,
        );
    });
  }
  if (v.resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1)
    invalid(at, 'resolution DNS_ROUND_ROBIN takes at most one endpoint');
  endpoints.forEach((we, i) => {
    checkWorkloadEntry(we, at.item(i), { allowFqdn: true, servicePortNames });
  });
}

function checkMultipleHosts(v: Values, ctx: ValidationContext): void {
  if (v.resolution === 'NONE' || v.hosts.length < 2) return;
  if (v.ports.some((p) => !isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol))) {
    invalid(
      ctx,
      'several hosts cannot share non-HTTP, non-TLS ports (the proxy cannot tell them apart) unless resolution is NONE',
    );
  }
}

export const serviceEntry: Schema<ServiceEntry> = message({
  name: 'istio.networking.v1.ServiceEntry',
  fields,
  build: (v, ctx) => {
    if (v.workloadSelector !== undefined && v.endpoints !== undefined)
      invalid(ctx, 'set only one of workloadSelector and endpoints');
    if (v.workloadSelector !== undefined && v.resolution !== 'STATIC') {
      ctx
        .field('workloadSelector')
        .warn(IstioIssueCode.ineffective, `workloadSelector has no effect with resolution ${v.resolution}`);
    }
    checkHosts(v, ctx.field('hosts'));
    checkAddresses(v, ctx.field('addresses'));
    checkEndpoints(v, ctx);
    checkMultipleHosts(v, ctx);
    return { ...v, endpoints: v.endpoints ?? [] };
  },
});
