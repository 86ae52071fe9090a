/**
 * Starting a workload's application process. On Linux the process is started through
 * `setpriv --pdeathsig KILL`, so that it dies with its sidecar even when the sidecar is killed
 * with SIGKILL (no orphan keeps the port). When stdin is not a terminal the application gets its
 * own process group, so a signal meant for the whole tree reaches the sidecar first and the
 * sidecar decides when the application stops (see workload-runner.ts).
 *
 * In transparent mode the sidecar runs as the proxy UID (which iptables exempts) and the
 * application must not: `user` starts it as another UID through `setpriv`, with no groups and no
 * capabilities inherited (the sidecar holds CAP_SETUID/CAP_SETGID only to do this).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';

let pdeathsig: boolean | undefined;

/** Whether `setpriv --pdeathsig` is available (util-linux, Linux only). */
function hasPdeathsig(): boolean {
  if (pdeathsig === undefined) {
    pdeathsig =
      process.platform === 'linux' &&
      (spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout ?? '').includes('--pdeathsig');
  }
  return pdeathsig;
}

export interface AppProcessOptions {
  command: readonly string[];
  env: Record<string, string>;
  cwd?: string;
  /** Pipe stdout/stderr (to prefix them) instead of sharing the sidecar's. */
  pipe?: boolean;
  /** Run as this user instead of the sidecar's. */
  user?: AppUser;
}

export interface AppUser {
  uid: number;
  gid: number;
}

export function spawnApp(options: AppProcessOptions): ChildProcess {
  const [file, ...args] = options.command;
  if (file === undefined) throw new Error('no command to run');
  const { user } = options;
  if (user !== undefined && !hasPdeathsig())
    throw new Error(`running the application as UID ${user.uid} needs setpriv (util-linux) on Linux`);
  const setpriv = [
    ...(hasPdeathsig() ? ['--pdeathsig', 'KILL'] : []),
    ...(user === undefined
      ? []
      : [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--inh-caps=-all']),
  ];
  const argv = setpriv.length > 0 ? ['setpriv', ...setpriv, '--', file, ...args] : [file, ...args];
  const interactive = process.stdin.isTTY === true;
  return spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [
      interactive ? 'inherit' : 'ignore',
      options.pipe ? 'pipe' : 'inherit',
      options.pipe ? 'pipe' : 'inherit',
    ],
    detached: !interactive,
  });
}

/** Shell convention: the exit code, or 128 + the signal's number. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal === null ? undefined : constants.signals[signal];
  return 128 + (n ?? 0);
}

/** `UID` or `UID:GID` (numbers: inside a pod, names from the host's /etc/passwd may not mean much). */
export function parseAppUser(text: string | undefined): AppUser | undefined | string {
  if (text === undefined) return undefined;
  const m = /^(\d+)(?::(\d+))?$/.exec(text);
  if (m === null) return `--app-user "${text}": expected UID or UID:GID (numbers)`;
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}
