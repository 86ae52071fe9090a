/**
 * A workload and its sidecar, with the lifecycle Kubernetes users wish they had by default:
 *
 * - **Hold until ready.** The sidecar (a ProxyServer in this process) starts first; the
 *   application is started only once the sidecar has its config from the control plane and its
 *   outbound listener is bound, so the application's first call already goes through the mesh.
 *   Then the sidecar's start-up garbage is collected (compact-heap.ts), while the application boots.
 * - **Exit with the application.** When the application exits, the sidecar stops and the runner
 *   resolves with the application's exit code (128 + signal number if it was killed), so a batch
 *   job completes and its status is not lost.
 * - **Graceful drain.** On terminate(): the sidecar leaves the control plane (peers stop picking
 *   this instance), stops accepting inbound connections, and lets in-flight inbound requests
 *   finish (HTTP/1.1 answers `Connection: close`, HTTP/2 gets GOAWAY) for up to the drain time.
 *   Then the application gets the signal, and the same drain time to exit before SIGKILL; its
 *   outbound calls keep working until it is gone. Then the sidecar closes.
 */
import type { ChildProcess } from 'node:child_process';
import { formatConfigIssue, validateBootstrap } from '@tandem/api/envoy';
import { AgentServer, ProxyServer, type WorkloadIdentityOptions } from '@tandem/proxy';
import { type AppUser, exitCodeOf, spawnApp } from './app-process.ts';
import { compactHeap } from './compact-heap.ts';
import {
  outboundListenerName,
  POD_AGENT_PORT,
  POD_HEALTH_PORT,
  type WorkloadSpec,
  workloadBootstrap,
  workloadEnv,
} from './workload-spec.ts';

export interface WorkloadRunnerOptions {
  spec: WorkloadSpec;
  command: readonly string[];
  cwd?: string;
  /** Extra environment for the application. */
  env?: Record<string, string>;
  drainTimeMs: number;
  /** How long to wait for the control plane's config before giving up. */
  readyTimeoutMs: number;
  log: (line: string) => void;
  /** Pipe the application's output through `output` instead of sharing this process's stdio. */
  output?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Workload identity from the mesh CA (mTLS); without it the sidecar talks plaintext. */
  identity?: WorkloadIdentityOptions;
  /** Run the application as this user (transparent mode: never the sidecar's exempt UID). */
  appUser?: AppUser;
}

/** Exit codes of the runner itself (the application's own code is passed through otherwise). */
export const EXIT_NOT_READY = 2;
export const EXIT_NOT_STARTED = 127;

export class WorkloadRunner {
  readonly spec: WorkloadSpec;
  private readonly options: WorkloadRunnerOptions;
  private proxy: ProxyServer | undefined;
  /** Transparent mode: the health and agent endpoints on the pod's addresses. */
  private agents: AgentServer[] = [];
  private app: ChildProcess | undefined;
  private appExit: Promise<number> | undefined;
  private terminating: Promise<void> | undefined;
  private finish: (code: number) => void = () => {};
  /** Resolves with the code this workload exits with. */
  readonly exited: Promise<number>;

  constructor(options: WorkloadRunnerOptions) {
    this.options = options;
    this.spec = options.spec;
    this.exited = new Promise((resolve) => (this.finish = resolve));
  }

  get adminPort(): number {
    return this.proxy?.adminPort ?? 0;
  }

  get appPid(): number | undefined {
    return this.app?.pid;
  }

  /**
   * Starts the sidecar, waits until it is ready, then starts the application. Resolves with the
   * milliseconds the sidecar took to become ready; on failure `exited` resolves with a non-zero
   * code and the promise rejects with the reason.
   */
  async start(): Promise<number> {
    const started = performance.now();
    const { spec, log } = this.options;
    const raw = workloadBootstrap(spec);
    const checked = validateBootstrap(raw);
    if (!checked.ok) {
      const reason = checked.errors.map((e) => formatConfigIssue(e)).join('; ');
      this.finish(EXIT_NOT_READY);
      throw new Error(`invalid sidecar bootstrap: ${reason}`);
    }
    const proxy = new ProxyServer({
      bootstrap: checked.bootstrap,
      raw,
      drainTimeMs: this.options.drainTimeMs,
      initTimeoutMs: this.options.readyTimeoutMs,
      identity: this.options.identity,
      log: (line) => log(`sidecar: ${line}`),
    });
    this.proxy = proxy;
    try {
      await proxy.start();
    } catch (err) {
      this.finish(EXIT_NOT_READY);
      throw err;
    }
    const outbound = outboundListenerName(spec);
    if (!proxy.listeners().some((l) => l.name === outbound)) {
      await proxy.stop(0);
      this.finish(EXIT_NOT_READY);
      throw new Error(
        `the sidecar got no config from the control plane at ${spec.controlPlane.host}:${spec.controlPlane.port} within ${this.options.readyTimeoutMs / 1000}s`,
      );
    }
    if (spec.transparent !== undefined) await this.startAgents(proxy);
    const readyMs = performance.now() - started;
    if (this.terminating !== undefined) return readyMs;
    this.startApp();
    compactHeap();
    return readyMs;
  }

  /** Graceful stop (SIGTERM, SIGINT): drain inbound, then stop the application, then the sidecar. */
  terminate(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.terminating ??= this.drainAndStop(signal);
    return this.terminating;
  }

  /** Immediate stop: the application is killed and the sidecar closes at once. */
  kill(): void {
    this.app?.kill('SIGKILL');
    void this.proxy?.stop(0).then(() => this.finish(137));
  }

  // ------------------------------------------------------------ internals

  private startApp(): void {
    const { spec, log, output } = this.options;
    let app: ChildProcess;
    try {
      app = spawnApp({
        command: this.options.command,
        env: { ...workloadEnv(spec), ...this.options.env },
        cwd: this.options.cwd,
        pipe: output !== undefined,
        user: this.options.appUser,
      });
    } catch (err) {
      log(`cannot start ${this.options.command.join(' ')}: ${(err as Error).message}`);
      void this.stopProxy(0).then(() => this.finish(EXIT_NOT_STARTED));
      return;
    }
    this.app = app;
    if (output !== undefined) {
      app.stdout?.on('data', (d: Buffer) => output('stdout', d));
      app.stderr?.on('data', (d: Buffer) => output('stderr', d));
    }
    this.appExit = new Promise<number>((resolve) => {
      app.once('error', (err) => {
        log(`cannot start ${this.options.command[0]}: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
        resolve(EXIT_NOT_STARTED);
      });
      app.once('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
    });
    void this.appExit.then(async (code) => {
      if (this.terminating === undefined) {
        log(`application exited with code ${code}; stopping the sidecar`);
        await this.stopProxy(0);
        this.finish(code);
      }
    });
  }

  private async drainAndStop(signal: NodeJS.Signals): Promise<void> {
    const { log, drainTimeMs } = this.options;
    const proxy = this.proxy;
    if (proxy !== undefined) {
      proxy.stopXds();
      proxy.drainListeners({ inboundOnly: true });
      log(`${signal}: draining inbound connections for up to ${drainTimeMs / 1000}s`);
      await until(() => proxy.openConnections({ inboundOnly: true }) === 0, drainTimeMs);
    }
    let code = 0;
    if (this.app !== undefined && this.appExit !== undefined) {
      log(`stopping the application (${signal})`);
      signalApp(this.app, signal);
      const timedOut = Symbol('timeout');
      const first = await Promise.race([this.appExit, delay(drainTimeMs).then(() => timedOut)]);
      if (first === timedOut) {
        log(`the application did not exit within ${drainTimeMs / 1000}s; killing it`);
        signalApp(this.app, 'SIGKILL');
      }
      code = await this.appExit;
    }
    await this.stopProxy(0);
    this.finish(code);
  }

  private async startAgents(proxy: ProxyServer): Promise<void> {
    const ready = () => proxy.state() === 'LIVE';
    const health = new AgentServer({ ready, probers: {}, adminPort: () => 0 });
    const agent = new AgentServer({ ready, probers: {}, adminPort: () => proxy.adminPort });
    this.agents = [health, agent];
    try {
      await health.listen('0.0.0.0', POD_HEALTH_PORT);
      await agent.listen('0.0.0.0', POD_AGENT_PORT);
    } catch (err) {
      await this.stopProxy(0);
      this.finish(EXIT_NOT_READY);
      throw new Error(
        `the pod's agent ports (${POD_HEALTH_PORT}, ${POD_AGENT_PORT}): ${(err as Error).message}`,
      );
    }
  }

  private async stopProxy(drainMs: number): Promise<void> {
    await Promise.all(this.agents.splice(0).map((a) => a.close()));
    await this.proxy?.stop(drainMs);
  }
}

/** Signals the application (its whole process group when it has one of its own). */
function signalApp(app: ChildProcess, signal: NodeJS.Signals): void {
  if (app.pid === undefined || app.exitCode !== null || app.signalCode !== null) return;
  try {
    process.kill(-app.pid, signal);
  } catch {
    app.kill(signal);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every 20 ms until it holds or `ms` passed. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await delay(20);
}
