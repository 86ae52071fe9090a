/**
 * What `tandem up --transparent` needs before it touches anything, each missing piece named with
 * what to do about it: Linux and root (network namespaces, veth, iptables), the tools (iproute2's
 * `ip`, `iptables-restore` with a nat table, util-linux's `setpriv`), a pod range that no route on
 * this machine already uses, and a `tandem` the proxy UID can run (its files readable by that user).
 */
import { spawnSync } from 'node:child_process';
import { type Ipv4Cidr, overlaps, parseIpv4Cidr } from './ipv4-cidr.ts';

const EXPLICIT = 'or leave out --transparent to run in explicit mode (apps use HTTP_PROXY)';

export interface PreflightInput {
  podCidr: Ipv4Cidr;
  proxyUid: number;
  /** How `tandem` is started (the sidecars run it as the proxy UID). */
  command: readonly string[];
}

/** Undefined when transparent mode can run here; otherwise why not, for the user. */
export function transparentUnavailable(input: PreflightInput): string | undefined {
  if (process.platform !== 'linux')
    return `transparent mode needs Linux (network namespaces and iptables), ${EXPLICIT}`;
  if (process.getuid?.() !== 0)
    return `transparent mode needs root (it makes network namespaces, veth pairs and iptables rules): run it with sudo, ${EXPLICIT}`;
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['iptables-restore', 'iptables'],
    ['setpriv', 'util-linux'],
  ] as const) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `transparent mode needs ${tool} (Debian/Ubuntu: apt-get install -y ${pkg}), ${EXPLICIT}`;
  }
  return natUnavailable() ?? routeConflict(input.podCidr) ?? proxyCannotRun(input);
}

/** A throw-away namespace proves namespaces can be made and iptables has a nat table there. */
function natUnavailable(): string | undefined {
  const probe = `tdmprobe${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0)
    return `cannot create a network namespace here (ip netns add: ${add.stderr.trim()}), ${EXPLICIT}`;
  try {
    const nat = spawnSync('ip', ['netns', 'exec', probe, 'iptables', '-t', 'nat', '-S'], {
      encoding: 'utf8',
    });
    if (nat.status !== 0)
      return `iptables has no usable nat table here (${(nat.stderr || nat.error?.message || '').trim()}), ${EXPLICIT}`;
    return undefined;
  } finally {
    spawnSync('ip', ['netns', 'del', probe]);
  }
}

/** The bridge adds a route for the pod range: it must not shadow a network this machine uses. */
function routeConflict(podCidr: Ipv4Cidr): string | undefined {
  const routes = spawnSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of routes.split('\n')) {
    const dest = line.split(' ')[0] ?? '';
    if (dest === '' || dest === 'default') continue;
    let range: Ipv4Cidr;
    try {
      range = parseIpv4Cidr('route', dest.includes('/') ? dest : `${dest}/32`, { maxPrefix: 32 });
    } catch {
      continue;
    }
    if (overlaps(range, podCidr))
      return `--pod-cidr ${podCidr.text} overlaps a network this machine already routes (${line.trim()}); choose another range with --pod-cidr`;
  }
  return undefined;
}

/** The sidecars run `tandem` as the proxy UID: node and the code must be readable by that user. */
function proxyCannotRun(input: PreflightInput): string | undefined {
  const uid = String(input.proxyUid);
  const r = spawnSync(
    'setpriv',
    [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', ...input.command, 'version'],
    { encoding: 'utf8', cwd: '/' },
  );
  if (r.status === 0) return undefined;
  const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
  return `the sidecars run as UID ${uid}, which cannot run ${input.command.join(' ')} (${why}); make node and the tandem files readable by that user (or choose another with --proxy-uid)`;
}
