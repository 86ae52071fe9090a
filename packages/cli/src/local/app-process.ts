/**
 * Starting a workload's application process. On Linux the process is started through
 * `setpriv --pdeathsig KILL`, so that it dies with its sidecar even when the sidecar is killed
 * with SIGKILL (no orphan keeps the port). When stdin is not a terminal the application gets its
 * own process group, so a signal meant for the whole tree reaches the sidecar first and the
 * sidecar decides when the application stops (see workload-runner.ts).
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
}

export function spawnApp(options: AppProcessOptions): ChildProcess {
  const [file, ...args] = options.command;
  if (file === undefined) throw new Error('no command to run');
  const argv = hasPdeathsig() ? ['setpriv', '--pdeathsig', 'KILL', '--', file, ...args] : [file, ...args];
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
