/**
 * The "pods" of `tandem up --transparent`: a private bridge made by the mesh (`tdm<random>`, the
 * first address of `--pod-cidr`) and, per workload instance, a network namespace with a veth pair
 * into the bridge, its own IP, loopback, a route to the bridge's subnet and to the services'
 * virtual IPs (nothing else: no default route, no NAT, nothing changed on the host beyond the
 * bridge), and /etc/netns/<pod>/hosts, which `ip netns exec` mounts over /etc/hosts.
 *
 * Every step runs `ip` and fails with an error naming the pod and the command; whatever was made
 * is recorded first, so destroy() removes it after a failure half-way too. Needs root.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostAddress, hostCount, type Ipv4Cidr } from './ipv4-cidr.ts';

export interface Pod {
  /** The network namespace (`ip netns exec <name>`). */
  name: string;
  /** The workload instance it holds (`reviews-v1-0`). */
  instance: string;
  ip: string;
}

export class PodNetworkError extends Error {
  readonly code = 'TANDEM_ERR_POD_NETWORK';
}

const NETNS_ETC = '/etc/netns';

export class PodNetwork {
  /** The bridge's name, also the prefix of every namespace and veth the mesh makes. */
  readonly bridge: string;
  readonly bridgeIp: string;
  readonly cidr: Ipv4Cidr;
  private readonly pods: Pod[] = [];
  private readonly routes: readonly Ipv4Cidr[];
  private bridgeMade = false;

  /** `routes`: more ranges the pods reach through the bridge (the service VIPs). */
  constructor(cidr: Ipv4Cidr, routes: readonly Ipv4Cidr[] = []) {
    this.cidr = cidr;
    this.routes = routes;
    this.bridge = `tdm${randomBytes(3).toString('hex')}`;
    this.bridgeIp = hostAddress(cidr, 1);
  }

  /** Creates the bridge, with the first address of the pod range. */
  createBridge(): void {
    const where = `bridge ${this.bridge}`;
    ip(where, ['link', 'add', this.bridge, 'type', 'bridge']);
    this.bridgeMade = true;
    ip(where, ['addr', 'add', `${this.bridgeIp}/${this.cidr.prefix}`, 'dev', this.bridge]);
    ip(where, ['link', 'set', this.bridge, 'up']);
  }

  /** Makes the pod for `instance`: namespace, veth, address, routes, hosts file (`hosts(ip)`). */
  addPod(instance: string, hosts: (ip: string) => string): Pod {
    const n = this.pods.length;
    if (n + 2 > hostCount(this.cidr))
      throw new PodNetworkError(`--pod-cidr ${this.cidr.text}: no address left for pod ${instance}`);
    const pod: Pod = { name: `${this.bridge}-${instance}`, instance, ip: hostAddress(this.cidr, n + 2) };
    this.pods.push(pod);
    const where = `pod ${instance}`;
    const veth = this.vethOf(n);
    ip(where, ['netns', 'add', pod.name]);
    ip(where, ['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
    ip(where, ['link', 'set', `${veth}p`, 'netns', pod.name]);
    ip(where, ['link', 'set', veth, 'master', this.bridge]);
    ip(where, ['link', 'set', veth, 'up']);
    const inPod = (args: string[]) => ip(where, ['-n', pod.name, ...args]);
    inPod(['link', 'set', 'lo', 'up']);
    inPod(['link', 'set', `${veth}p`, 'name', 'eth0']);
    inPod(['addr', 'add', `${pod.ip}/${this.cidr.prefix}`, 'dev', 'eth0']);
    inPod(['link', 'set', 'eth0', 'up']);
    for (const r of this.routes) inPod(['route', 'add', r.text, 'via', this.bridgeIp]);
    mkdirSync(`${NETNS_ETC}/${pod.name}`, { recursive: true });
    writeFileSync(`${NETNS_ETC}/${pod.name}/hosts`, hosts(pod.ip));
    return pod;
  }

  /** `argv` run inside the pod (as the caller's user; wrap it in setpriv to change that). */
  command(pod: Pod, argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', pod.name, ...argv];
  }

  /** Runs `argv` in the pod to completion; throws naming the pod and the command on failure. */
  exec(pod: Pod, argv: readonly string[], input?: string): string {
    return run(`pod ${pod.instance}`, this.command(pod, argv), input);
  }

  /**
   * Removes every pod (killing what still runs in it), veth, hosts file and the bridge. Best effort:
   * returns what could not be removed, for the caller to report.
   */
  destroy(): string[] {
    const problems: string[] = [];
    for (const [n, pod] of this.pods.entries()) {
      const pids = spawnSync('ip', ['netns', 'pids', pod.name], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      }
      const del = spawnSync('ip', ['netns', 'del', pod.name], { encoding: 'utf8' });
      if (del.status !== 0 && !/No such file/.test(del.stderr))
        problems.push(`pod ${pod.instance}: ip netns del ${pod.name}: ${del.stderr.trim()}`);
      // Usually gone with the namespace (its peer was in there); not when the move failed.
      spawnSync('ip', ['link', 'del', this.vethOf(n)], { stdio: 'ignore' });
      rmSync(`${NETNS_ETC}/${pod.name}`, { recursive: true, force: true });
    }
    this.pods.length = 0;
    if (this.bridgeMade) {
      const del = spawnSync('ip', ['link', 'del', this.bridge], { encoding: 'utf8' });
      if (del.status !== 0 && !/Cannot find device/.test(del.stderr))
        problems.push(`bridge ${this.bridge}: ip link del: ${del.stderr.trim()}`);
      this.bridgeMade = false;
    }
    return problems;
  }

  private vethOf(n: number): string {
    return `${this.bridge}v${n}`;
  }
}

function ip(where: string, args: string[]): string {
  return run(where, ['ip', ...args]);
}

function run(where: string, argv: readonly string[], input?: string): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0)
    throw new PodNetworkError(
      `${where}: ${argv.join(' ')} failed: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`,
    );
  return r.stdout;
}
