/**
 * The destination a redirected connection was really for. After iptables REDIRECT the proxy
 * accepts on its own port; the kernel remembers the address the application asked for. Read with
 * SO_ORIGINAL_DST through a small native addon (built by `npm install` when a compiler is there),
 * or, without it, from the conntrack table (/proc/net/nf_conntrack), which is slower but needs
 * nothing compiled. Returns undefined for a connection that was not redirected.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface Destination {
  address: string;
  port: number;
}

type Addon = { originalDst(fd: number, ipv6: boolean): Destination };

/** Where the addon is, from the source tree (packages/proxy/src/interception) or the bundle (dist/). */
const ADDON_CANDIDATES = [
  path.resolve(import.meta.dirname, '../../native/original-dst/build/Release/original_dst.node'),
  path.resolve(import.meta.dirname, '../packages/proxy/native/original-dst/build/Release/original_dst.node'),
  path.resolve(
    import.meta.dirname,
    '../../packages/proxy/native/original-dst/build/Release/original_dst.node',
  ),
];
let addon: Addon | null | undefined;

function loadAddon(): Addon | null {
  if (addon !== undefined) return addon;
  addon = null;
  const load = createRequire(import.meta.url);
  for (const candidate of ADDON_CANDIDATES) {
    try {
      addon = load(candidate) as Addon;
      break;
    } catch {
      // not built here; try the next place, then fall back to conntrack
    }
  }
  return addon;
}

/** Which mechanism is available: for logs and `/server_info`. */
export function originalDestinationMechanism(): 'SO_ORIGINAL_DST' | 'conntrack' | 'none' {
  if (loadAddon() !== null) return 'SO_ORIGINAL_DST';
  try {
    readFileSync('/proc/net/nf_conntrack', 'utf8');
    return 'conntrack';
  } catch {
    return 'none';
  }
}

export function originalDestination(socket: net.Socket): Destination | undefined {
  const local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
  const a = loadAddon();
  let found: Destination | undefined;
  if (a !== null) {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) {
      try {
        found = a.originalDst(fd, net.isIPv6(local.address) && !local.address.startsWith('::ffff:'));
      } catch {
        found = undefined; // not redirected (ENOENT) or not a TCP socket
      }
    }
  } else {
    found = fromConntrack(socket.remoteAddress ?? '', socket.remotePort ?? 0, local);
  }
  if (found === undefined || (found.address === stripMapped(local.address) && found.port === local.port))
    return undefined;
  return found;
}

/**
 * A conntrack entry's original tuple is `src=<client> dst=<original> sport=<p> dport=<orig port>`;
 * its reply tuple names our local port. Match the client address and port.
 */
function fromConntrack(remote: string, remotePort: number, local: Destination): Destination | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/nf_conntrack', 'utf8');
  } catch {
    return undefined;
  }
  return findInConntrack(table, remote, remotePort, local.port);
}

/** The original destination of the TCP connection from `remote:remotePort` to our `localPort`. */
export function findInConntrack(
  table: string,
  remote: string,
  remotePort: number,
  localPort: number,
): Destination | undefined {
  const src = `src=${stripMapped(remote)} `;
  const sport = `sport=${remotePort} `;
  for (const line of table.split('\n')) {
    if (!line.includes(' tcp ') || !line.includes(src) || !line.includes(sport)) continue;
    const m = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) .*?src=(\S+) dst=\S+ sport=(\d+)/.exec(line);
    if (m === null || m[1] !== stripMapped(remote) || Number(m[3]) !== remotePort) continue;
    if (Number(m[6]) !== localPort) continue;
    return { address: m[2]!, port: Number(m[4]) };
  }
  return undefined;
}

function stripMapped(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}
