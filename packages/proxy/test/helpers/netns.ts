/**
 * "Pods" on one machine for interception tests: network namespaces made by the test, each with a
 * veth pair into a private bridge and its own IP, names resolved through /etc/netns/<pod>/hosts
 * (which `ip netns exec` mounts over /etc/hosts). Everything is removed by `destroy()`. Needs
 * root, iproute2 and iptables: `netnsUnavailable()` says why not, for a clear skip.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

export interface Pod {
  name: string;
  ip: string;
  /** Runs a command inside the pod; throws with its stderr on failure. */
  exec(args: string[], input?: string): string;
  /** Starts a long-running process in the pod (as `uid` when given); stopped by `destroy()`. */
  spawn(args: string[], opts?: { uid?: number; env?: NodeJS.ProcessEnv }): ChildProcess;
}

export interface PodNetwork {
  bridgeIp: string;
  pod(name: string, hosts?: Record<string, string>): Pod;
  destroy(): void;
}

export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces and iptables)';
  for (const tool of ['ip', 'iptables', 'iptables-restore', 'setpriv']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `needs ${tool} (apt-get install -y iproute2 iptables util-linux)`;
  }
  const probe = `tdmprobe${process.pid}`;
  if (spawnSync('ip', ['netns', 'add', probe]).status !== 0) return 'cannot create network namespaces here';
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

function run(args: string[], input?: string): string {
  const r = spawnSync(args[0]!, args.slice(1), { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** A bridge `10.<subnet>.0.1/24` and pods `10.<subnet>.0.2...` on it. */
export function createPodNetwork(subnet: number): PodNetwork {
  const tag = `t${process.pid % 100000}`;
  const bridge = `${tag}br`;
  const bridgeIp = `10.${subnet}.0.1`;
  const pods: { ns: string; veth: string }[] = [];
  const children: ChildProcess[] = [];
  run(['ip', 'link', 'add', bridge, 'type', 'bridge']);
  run(['ip', 'addr', 'add', `${bridgeIp}/24`, 'dev', bridge]);
  run(['ip', 'link', 'set', bridge, 'up']);
  return {
    bridgeIp,
    pod(name, hosts = {}) {
      const ns = `${tag}-${name}`;
      const ip = `10.${subnet}.0.${pods.length + 2}`;
      const veth = `${tag}v${pods.length}`;
      run(['ip', 'netns', 'add', ns]);
      pods.push({ ns, veth });
      run(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
      run(['ip', 'link', 'set', `${veth}p`, 'netns', ns]);
      run(['ip', 'link', 'set', veth, 'master', bridge]);
      run(['ip', 'link', 'set', veth, 'up']);
      const inNs = (args: string[]) => ['ip', 'netns', 'exec', ns, ...args];
      run(inNs(['ip', 'link', 'set', 'lo', 'up']));
      run(inNs(['ip', 'link', 'set', `${veth}p`, 'name', 'eth0']));
      run(inNs(['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']));
      run(inNs(['ip', 'link', 'set', 'eth0', 'up']));
      run(inNs(['ip', 'route', 'add', 'default', 'via', bridgeIp]));
      mkdirSync(`/etc/netns/${ns}`, { recursive: true });
      const lines = ['127.0.0.1 localhost', ...Object.entries(hosts).map(([h, addr]) => `${addr} ${h}`)];
      writeFileSync(`/etc/netns/${ns}/hosts`, `${lines.join('\n')}\n`);
      return {
        name: ns,
        ip,
        exec: (args, input) => run(inNs(args), input),
        spawn: (args, opts = {}) => {
          const as =
            opts.uid === undefined
              ? []
              : ['setpriv', `--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', '--'];
          const child = spawn('ip', ['netns', 'exec', ns, ...as, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: opts.env ?? process.env,
          });
          children.push(child);
          return child;
        },
      };
    },
    destroy() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const { ns, veth } of pods) {
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean);
        for (const pid of pids) spawnSync('kill', ['-9', pid]);
        spawnSync('ip', ['netns', 'del', ns]);
        spawnSync('ip', ['link', 'del', veth]);
        rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
      }
      spawnSync('ip', ['link', 'del', bridge]);
    },
  };
}
