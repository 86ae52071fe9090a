/**
 * The iptables rules that make a sidecar transparent, as Istio's init container sets them up: TCP
 * the application sends goes to the sidecar's outbound port (15001), TCP arriving for the pod goes
 * to its inbound port (15006); the sidecar's own traffic (its UID) is exempt, and so are
 * configured ports and CIDRs. Output is an `iptables-restore` document for the nat table, so the
 * rules are applied in one step (and a Kubernetes init container runs the same code).
 */
export interface InterceptionOptions {
  /** UID the sidecar runs as; its traffic is never redirected. */
  proxyUid: number;
  outboundPort: number;
  inboundPort: number;
  /** `*` for every port, or the ports to capture inbound. */
  inboundPorts: '*' | number[];
  excludeInboundPorts: number[];
  /** `*` for every destination, or the CIDRs to capture outbound. */
  includeOutboundCidrs: '*' | string[];
  excludeOutboundCidrs: string[];
  excludeOutboundPorts: number[];
  /** Ports always captured outbound, whatever the destination CIDR (Istio's includeOutboundPorts). */
  includeOutboundPorts?: number[];
}

export const DEFAULT_INTERCEPTION: InterceptionOptions = {
  proxyUid: 1337,
  outboundPort: 15001,
  inboundPort: 15006,
  inboundPorts: '*',
  excludeInboundPorts: [],
  includeOutboundCidrs: '*',
  excludeOutboundCidrs: [],
  excludeOutboundPorts: [],
};

/** Ports of the sidecar itself that must never be captured inbound (admin, metrics, health). */
export const SIDECAR_PORTS = [15000, 15020, 15021, 15090];

const CHAINS = ['TANDEM_INBOUND', 'TANDEM_IN_REDIRECT', 'TANDEM_OUTPUT', 'TANDEM_REDIRECT'];

export function buildIptablesRules(o: InterceptionOptions): string {
  const lines = ['*nat', ...CHAINS.map((c) => `:${c} - [0:0]`)];
  const add = (rule: string): void => void lines.push(`-A ${rule}`);
  add(`TANDEM_REDIRECT -p tcp -j REDIRECT --to-ports ${o.outboundPort}`);
  add(`TANDEM_IN_REDIRECT -p tcp -j REDIRECT --to-ports ${o.inboundPort}`);
  // Inbound.
  add('PREROUTING -p tcp -j TANDEM_INBOUND');
  for (const p of [...SIDECAR_PORTS, ...o.excludeInboundPorts])
    add(`TANDEM_INBOUND -p tcp --dport ${p} -j RETURN`);
  if (o.inboundPorts === '*') add('TANDEM_INBOUND -p tcp -j TANDEM_IN_REDIRECT');
  else for (const p of o.inboundPorts) add(`TANDEM_INBOUND -p tcp --dport ${p} -j TANDEM_IN_REDIRECT`);
  // Outbound.
  add('OUTPUT -p tcp -j TANDEM_OUTPUT');
  // The sidecar calling its own workload through a non-loopback address is inbound traffic.
  add(
    `TANDEM_OUTPUT -o lo ! -d 127.0.0.1/32 -p tcp -m owner --uid-owner ${o.proxyUid} -j TANDEM_IN_REDIRECT`,
  );
  add(`TANDEM_OUTPUT -o lo -p tcp -m owner ! --uid-owner ${o.proxyUid} -j RETURN`);
  add(`TANDEM_OUTPUT -m owner --uid-owner ${o.proxyUid} -j RETURN`);
  add('TANDEM_OUTPUT -d 127.0.0.1/32 -j RETURN');
  for (const p of o.includeOutboundPorts ?? []) add(`TANDEM_OUTPUT -p tcp --dport ${p} -j TANDEM_REDIRECT`);
  for (const p of o.excludeOutboundPorts) add(`TANDEM_OUTPUT -p tcp --dport ${p} -j RETURN`);
  for (const c of o.excludeOutboundCidrs) add(`TANDEM_OUTPUT -d ${c} -j RETURN`);
  if (o.includeOutboundCidrs === '*') add('TANDEM_OUTPUT -p tcp -j TANDEM_REDIRECT');
  else for (const c of o.includeOutboundCidrs) add(`TANDEM_OUTPUT -d ${c} -p tcp -j TANDEM_REDIRECT`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Undoes `buildIptablesRules`: unhooks and deletes the chains (for `--cleanup`). */
export function buildIptablesCleanup(): string[][] {
  return [
    ['-t', 'nat', '-D', 'PREROUTING', '-p', 'tcp', '-j', 'TANDEM_INBOUND'],
    ['-t', 'nat', '-D', 'OUTPUT', '-p', 'tcp', '-j', 'TANDEM_OUTPUT'],
    ...CHAINS.flatMap((c) => [
      ['-t', 'nat', '-F', c],
      ['-t', 'nat', '-X', c],
    ]),
  ];
}

/** Parses `1,2,3` (or `*`) into ports; throws a message naming the flag on bad input. */
export function parsePorts(flag: string, text: string, allowStar: boolean): '*' | number[] {
  if (text.trim() === '') return [];
  if (allowStar && text.trim() === '*') return '*';
  return text.split(',').map((t) => {
    const n = Number(t.trim());
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new Error(`${flag}: "${t}" is not a port (1-65535)`);
    return n;
  });
}

/** Parses `10.0.0.0/8,192.168.1.1/32` (or `*`); throws a message naming the flag on bad input. */
export function parseCidrs(flag: string, text: string, allowStar: boolean): '*' | string[] {
  if (text.trim() === '') return [];
  if (allowStar && text.trim() === '*') return '*';
  return text.split(',').map((t) => {
    const c = t.trim();
    if (!/^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/.test(c))
      throw new Error(`${flag}: "${c}" is not an IPv4 CIDR`);
    return c;
  });
}
