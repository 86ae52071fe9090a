import { type ChildProcess, spawn } from 'node:child_process';
import { listProcessTree } from './process-tree.ts';

export interface SpawnOptions {
  /** Short name used in messages ("haproxy", "backend nginx"). */
  name: string;
  /** Pin to this CPU with `taskset -c`; undefined runs unpinned. */
  cpu?: number | undefined;
  /** Run under `nice -n <nice>` (negative values need root); undefined leaves the priority alone. */
  nice?: number | undefined;
  /** Keep stdout in memory (for wrk and the open-loop generator); otherwise it is discarded. */
  captureStdout?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STDERR_TAIL_CHARS = 4_000;

/**
 * A child process this bench started. It is stopped by PID only: SIGTERM to the process, then SIGKILL
 * to it and to any descendant still alive after a grace period (nginx workers, forked helpers).
 * `taskset` and `nice` exec their command, so `pid` is the program's own PID.
 */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  #child: ChildProcess;
  #status: ExitStatus | undefined;
  #stdout: Buffer[] = [];
  #stderr = '';

  constructor(command: string, args: readonly string[], options: SpawnOptions) {
    this.name = options.name;
    const argv = [
      ...(options.cpu === undefined ? [] : ['taskset', '-c', String(options.cpu)]),
      ...(options.nice === undefined ? [] : ['nice', '-n', String(options.nice)]),
      command,
      ...args,
    ];
    this.#child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        this.#stderr += `\nspawn ${argv[0]}: ${error.message}`;
        this.#status = { code: -1, signal: null };
        resolve(this.#status);
      });
      // 'close' comes once stdout/stderr are drained too; if a forked grandchild keeps them open,
      // do not wait for it longer than a moment after the process itself has exited.
      this.#child.once('exit', (code, signal) => {
        this.#status ??= { code, signal };
        setTimeout(() => resolve(this.#status!), 250).unref();
      });
      this.#child.once('close', (code, signal) => {
        this.#status ??= { code, signal };
        resolve(this.#status);
      });
    });
    this.pid = this.#child.pid ?? -1;
    this.#child.stdout?.on('data', (chunk: Buffer) => this.#stdout.push(chunk));
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
  }

  get running(): boolean {
    return this.#status === undefined && this.pid > 0;
  }

  get status(): ExitStatus | undefined {
    return this.#status;
  }

  stdout(): string {
    return Buffer.concat(this.#stdout).toString('utf8');
  }

  stderrTail(): string {
    return this.#stderr.trim();
  }

  /** The PIDs of this process and its descendants (empty once it has exited). */
  pids(): number[] {
    return this.running ? listProcessTree(this.pid) : [];
  }

  /** SIGTERM, wait up to `graceMs`, then SIGKILL the process and its remaining descendants. */
  async stop(graceMs = 3_000): Promise<void> {
    if (!this.running) return;
    const tree = this.pids();
    signal(this.pid, 'SIGTERM');
    const timedOut = await Promise.race([this.exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut) signal(this.pid, 'SIGKILL');
    await this.exited;
    for (const pid of tree.slice(1)) signal(pid, 'SIGKILL');
  }

  /** Synchronous last-resort kill for process 'exit' handlers. */
  killNow(): void {
    if (!this.running) return;
    const tree = this.pids();
    for (const pid of tree) signal(pid, 'SIGKILL');
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
