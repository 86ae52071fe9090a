/**
 * WorkloadEntry (a VM or other non-Kubernetes workload), also used for ServiceEntry endpoints. Addresses are
 * IPs, DNS names (where allowed) or `unix://` sockets (an absolute path or `@abstract`, without ports).
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { mapOf } from '../../envoy/schema/collections.ts';
import { withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { uint32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkFqdn } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid, portNumber } from '../core/istio-fields.ts';
import { labelMap } from '../core/labels.ts';
import type { WorkloadEntry } from '../types.ts';
import { checkPortName } from './service-port.ts';

export const UNIX_PREFIX = 'unix://';

/** Why `path` (after `unix://`) is not a usable socket path, or `undefined`. */
export function checkUnixSocketPath(path: string): string | undefined {
  if (path === '') return 'unix socket path must not be empty';
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/'))
    return `unix socket "${path}" must be an absolute path or an abstract socket ("@name")`;
  if (path.endsWith('/')) return `unix socket "${path}" names a directory; it must name a socket file`;
  return undefined;
}

export interface WorkloadEntryCheck {
  /** Port names the owning ServiceEntry defines (endpoint ports must use them). */
  readonly servicePortNames?: ReadonlySet<string>;
  /** Addresses may be DNS names (WorkloadEntry, DNS resolution), not only IPs. */
  readonly allowFqdn: boolean;
}

function checkAddress(we: WorkloadEntry, ctx: ValidationContext, check: WorkloadEntryCheck): void {
  const at = ctx.field('address');
  if (we.address.startsWith(UNIX_PREFIX)) {
    const reason = checkUnixSocketPath(we.address.slice(UNIX_PREFIX.length));
    if (reason !== undefined) invalid(at, reason);
    if (Object.keys(we.ports).length > 0)
      invalid(ctx.field('ports'), `a unix socket address (${we.address}) cannot have ports`);
  } else if (we.address !== '' && !isIpAddress(we.address)) {
    if (!check.allowFqdn) invalid(at, `endpoint address "${we.address}" is not an IP address`);
    else if (checkFqdn(we.address) !== undefined)
      invalid(at, `address "${we.address}" is neither an IP address nor a DNS name`);
  }
}

/** Istio's WorkloadEntry rules; reports at `ctx`. */
export function checkWorkloadEntry(
  we: WorkloadEntry,
  ctx: ValidationContext,
  check: WorkloadEntryCheck,
): void {
  if (we.address === '') {
    if (we.network === '')
      ctx
        .field('address')
        .error(ConfigIssueCode.required, 'address is required (it may only be left out when network is set)');
    else
      ctx
        .field('address')
        .warn(
          ConfigIssueCode.ignored,
          `address is not set; the workload is reached through network "${we.network}"`,
        );
  }
  checkAddress(we, ctx, check);
  for (const [name, port] of Object.entries(we.ports)) {
    const at = ctx.field('ports').key(name);
    const reason = checkPortName(name);
    if (reason !== undefined) invalid(at, reason);
    if (check.servicePortNames !== undefined && !check.servicePortNames.has(name)) {
      invalid(at, `port "${name}" (${port}) is not a port name of the ServiceEntry`);
    }
  }
}

/** The WorkloadEntry fields, checked field by field (the address rules depend on where it is used). */
export const workloadEntryFields: Schema<WorkloadEntry> = message({
  name: 'istio.networking.v1.WorkloadEntry',
  fields: {
    address: withDefault(str, ''),
    ports: withDefault(mapOf(portNumber), {}),
    labels: withDefault(labelMap(), {}),
    network: withDefault(str, ''),
    locality: withDefault(str, ''),
    weight: withDefault(uint32(), 0),
    serviceAccount: withDefault(str, ''),
  },
  build: (v) => ({ ...v }),
});

/** A standalone WorkloadEntry (DNS names allowed). */
export const workloadEntry: Schema<WorkloadEntry> = {
  ...workloadEntryFields,
  parse(raw, ctx) {
    const before = ctx.errorCount;
    const we = workloadEntryFields.parse(raw, ctx);
    if (we !== undefined && ctx.errorCount === before) checkWorkloadEntry(we, ctx, { allowFqdn: true });
    return we;
  },
};
