/**
 * The local mesh `tandem up` runs: the control plane in this process (config from DIR, watched),
 * an optional ingress gateway (a Tandem proxy in this process, Istio's `istio: ingressgateway`),
 * and one `tandem run` child per workload instance — the sidecar and, once the sidecar is ready,
 * the application. Children are restarted by their restart policy with a growing back-off; on
 * stop every child drains (SIGTERM), and whatever has not exited when the time is up is killed.
 *
 * With `transparent`, each instance runs in a pod of its own (transparent-pods.ts): the control
 * plane also listens on the pods' bridge, the sidecars run as the proxy UID in REDIRECT mode, and
 * the pods and the bridge are removed on stop, after every child has exited (also when start fails).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateBootstrap } from '@tandem/api';
import { buildDebugHandlers, ControlPlane, DebugServer, parseIstioFile } from '@tandem/control-plane';
import { ProxyServer } from '@tandem/proxy';
import { freePorts } from '../local/free-ports.ts';
import { forwardLines, memoryOf, type SidecarMemory, signal } from './child-process-io.ts';
import { gatewayBootstrap } from './ingress.ts';
import { isInstanceReady } from './instance-readiness.ts';
import { MANIFEST_FILE, type UpManifest, type WorkloadDecl } from './manifest.ts';
import { tandemCommand } from './tandem-command.ts';
import { POD_ADMIN_PORT, type TransparentOptions, TransparentPods } from './transparent-pods.ts';

export interface LocalMeshOptions {
  manifest: UpManifest;
  extraConfigDirs?: readonly string[];
  xds: { host: string; port: number };
  debug: { host: string; port: number };
  /** Gateway server port -> local port (0: any), overriding the manifest's same-number default. */
  ingressPorts?: ReadonlyMap<number, number>;
  drainTimeMs: number;
  /** `tandem up`'s own lines. */
  log: (line: string) => void;
  /** A line a workload instance printed. */
  output: (instance: string, line: string) => void;
  /** How to run `tandem` (default: the bundle when fresh, else the sources). */
  command?: readonly string[];
  /**
   * mTLS between the sidecars: the control plane runs a CA whose root is kept in `caDir` (created on
   * first start); each instance gets a bootstrap token for its service account. Undefined: plaintext.
   */
  caDir?: string;
  /** Where instance tokens are written (mode 0600); default `<caDir>/../tokens`. */
  tokenDir?: string;
  /** Transparent interception: a pod per instance. Undefined: explicit mode (HTTP_PROXY). */
  transparent?: TransparentOptions;
}

/** Proxy settings a user's shell may carry; a transparent pod's application must not inherit them. */
const PROXY_ENV = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];

const GATEWAY_IDENTITY = {
  namespace: 'istio-system',
  serviceAccount: 'istio-ingressgateway-service-account',
};

export type InstanceState = 'starting' | 'ready' | 'waiting' | 'exited' | 'stopped';

export interface InstanceStatus {
  name: string;
  service: string;
  state: InstanceState;
  pid: number | undefined;
  adminPort: number;
  proxyPort: number;
  /** The pod's IP (transparent mode); the sidecar's admin API is there too. */
  podIp: string | undefined;
  appPorts: { port: number; targetPort: number }[];
  restarts: number;
  lastExitCode: number | undefined;
  /** Resident memory of the sidecar process (undefined when unknown). */
  sidecarMemory: SidecarMemory | undefined;
}

interface Instance {
  decl: WorkloadDecl;
  name: string;
  child: ChildProcess | undefined;
  state: InstanceState;
  adminPort: number;
  proxyPort: number;
  podIp: string | undefined;
  appPorts: { port: number; targetPort: number }[];
  restarts: number;
  /** Consecutive quick failures, for the back-off. */
  failures: number;
  startedAt: number;
  lastExitCode: number | undefined;
  checking: boolean;
  timer: NodeJS.Timeout | undefined;
  exited: Promise<void>;
}

const CHECK_INTERVAL_MS = 100;
const MAX_BACKOFF_MS = 30_000;
/** A run this long resets the back-off. */
const HEALTHY_RUN_MS = 30_000;

export class LocalMesh {
  readonly controlPlane: ControlPlane;
  private readonly options: LocalMeshOptions;
  private readonly command: readonly string[];
  private readonly instances: Instance[] = [];
  private debugServer: DebugServer | undefined;
  private gateway: ProxyServer | undefined;
  private checker: NodeJS.Timeout | undefined;
  private readonly pods: TransparentPods | undefined;
  /** Where the sidecars reach the control plane (and its CA). */
  private sidecarXds = '';
  private stopping = false;
  private readyWaiters: (() => void)[] = [];
  xdsPort = 0;
  debugPort = 0;

  constructor(options: LocalMeshOptions) {
    this.options = options;
    this.command = options.command ?? tandemCommand();
    this.pods = options.transparent === undefined ? undefined : new TransparentPods(options.transparent);
    const dir = options.manifest.dir;
    this.controlPlane = new ControlPlane({
      configDir: dir,
      extraConfigDirs: options.extraConfigDirs,
      include: (file) => /\.ya?ml$/i.test(file) && path.resolve(file) !== path.join(dir, MANIFEST_FILE),
      parse: parseIstioFile,
      log: (line) => options.log(`control plane: ${line}`),
      security: options.caDir === undefined ? undefined : { caDir: options.caDir },
    });
  }

  /** Mints this instance's CA token and writes it to a file (mode 0600); undefined without mTLS. */
  private writeInstanceToken(instance: Instance): string | undefined {
    const security = this.controlPlane.security;
    if (security === undefined || this.options.caDir === undefined) return undefined;
    const token = security.localTokens.mint({
      namespace: instance.decl.namespace,
      serviceAccount: instance.decl.serviceAccount,
    });
    // A transparent sidecar runs as the proxy UID: its token is kept where that user can read it.
    if (this.pods !== undefined) return this.pods.writeToken(instance.name, token);
    const dir = this.options.tokenDir ?? path.join(path.dirname(this.options.caDir), 'tokens');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${instance.decl.namespace}.${instance.name}.token`);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return file;
  }

  /** Starts the control plane, the ingress gateway and every workload instance. */
  async start(): Promise<void> {
    const { xds, debug } = this.options;
    await this.controlPlane.start();
    this.xdsPort = await this.controlPlane.ads.listen(`${xds.host}:${xds.port}`);
    this.sidecarXds = `${xds.host === '0.0.0.0' ? '127.0.0.1' : xds.host}:${this.xdsPort}`;
    this.debugServer = new DebugServer(buildDebugHandlers(this.controlPlane));
    this.debugPort = await this.debugServer.listen(debug.host, debug.port);
    for (const decl of this.options.manifest.workloads) {
      for (let i = 0; i < decl.replicas; i++) {
        const name = [decl.name, decl.labels['version'], String(i)].filter(Boolean).join('-');
        const instance: Instance = {
          decl,
          name,
          child: undefined,
          state: 'starting',
          adminPort: 0,
          proxyPort: 0,
          podIp: undefined,
          appPorts: [],
          restarts: 0,
          failures: 0,
          startedAt: 0,
          lastExitCode: undefined,
          checking: false,
          timer: undefined,
          exited: Promise.resolve(),
        };
        this.instances.push(instance);
      }
    }
    if (this.pods !== undefined) await this.createPods(this.pods);
    await Promise.all([this.startGateway(), ...this.instances.map((i) => this.launch(i))]);
    this.checker = setInterval(() => this.checkInstances(), CHECK_INTERVAL_MS);
  }

  /** Resolves once every instance is ready (sidecar ready, application listening). */
  whenReady(): Promise<void> {
    if (this.allReady()) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** The ingress gateway's bound port for a Gateway server port (0 when there is none). */
  ingressPort(serverPort: number): number {
    const gw = this.gateway;
    if (gw === undefined) return 0;
    const listener = gw.listeners().find((l) => l.name.endsWith(`_${serverPort}`));
    return listener?.port ?? 0;
  }

  status(): InstanceStatus[] {
    return this.instances.map((i) => ({
      name: i.name,
      service: i.decl.name,
      state: i.state,
      pid: i.child?.pid,
      adminPort: i.adminPort,
      proxyPort: i.proxyPort,
      podIp: i.podIp,
      appPorts: i.appPorts,
      restarts: i.restarts,
      lastExitCode: i.lastExitCode,
      sidecarMemory: i.state === 'ready' || i.state === 'starting' ? memoryOf(i.child?.pid) : undefined,
    }));
  }

  /** The instance's `tandem run` process id (its sidecar). */
  pidOf(name: string): number | undefined {
    return this.instances.find((i) => i.name === name)?.child?.pid;
  }

  /** Drains every instance (SIGTERM), kills what is left after the drain, stops the rest. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.checker !== undefined) clearInterval(this.checker);
    for (const i of this.instances) {
      if (i.timer !== undefined) clearTimeout(i.timer);
      signal(i.child, 'SIGTERM');
    }
    const grace = 2 * this.options.drainTimeMs + 2000;
    let timer: NodeJS.Timeout | undefined;
    const allExited = Promise.all(this.instances.map((i) => i.exited));
    const late = await Promise.race([
      allExited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace))),
    ]);
    clearTimeout(timer);
    if (late) {
      for (const i of this.instances) {
        if (i.child !== undefined && i.child.exitCode === null && i.child.signalCode === null) {
          this.options.log(`${i.name} did not stop within ${grace / 1000}s; killing it`);
          signal(i.child, 'SIGKILL');
        }
      }
      await allExited;
    }
    await this.gateway?.stop(0);
    await this.debugServer?.close();
    await this.controlPlane.stop();
    // Last: the sidecars have exited, and the control plane no longer talks to the pods.
    if (this.pods !== undefined) {
      for (const problem of this.pods.destroy()) this.options.log(`cannot clean up: ${problem}`);
      this.options.log(`removed the pods and bridge ${this.pods.bridge}`);
    }
  }

  /** Stops everything at once (a second Ctrl-C). */
  kill(): void {
    for (const i of this.instances) signal(i.child, 'SIGKILL');
  }

  // ------------------------------------------------------------ instances

  /**
   * The bridge and a pod per instance; the control plane listens on the bridge too (same port), so
   * the sidecars reach it, and through it the CA, at the bridge's address.
   */
  private async createPods(pods: TransparentPods): Promise<void> {
    pods.create(this.instances);
    const { xds } = this.options;
    if (xds.host !== '0.0.0.0') await this.controlPlane.ads.listen(`${pods.bridgeIp}:${this.xdsPort}`);
    this.sidecarXds = `${pods.bridgeIp}:${this.xdsPort}`;
    for (const i of this.instances) i.podIp = pods.podOf(i.name).ip;
    this.options.log(
      `pods: bridge ${pods.bridge} ${pods.bridgeIp}/${pods.options.podCidr.prefix}, service addresses from ${pods.options.serviceCidr.text}; sidecars run as UID ${pods.options.proxyUid}, applications as UID ${pods.options.appUser.uid}`,
    );
  }

  /** Ports: explicit mode shares the host's loopback, so every instance gets free ports of its own. */
  private async assignPorts(instance: Instance): Promise<void> {
    const { decl } = instance;
    if (this.pods !== undefined) {
      instance.adminPort = POD_ADMIN_PORT;
      instance.proxyPort = 0;
      instance.appPorts = decl.ports.map((p) => ({
        port: p.port,
        targetPort: p.targetPort === 'auto' ? p.port : p.targetPort,
      }));
      return;
    }
    const autos = decl.ports.filter((p) => p.targetPort === 'auto').length;
    const [adminPort, proxyPort, ...free] = await freePorts(2 + autos);
    instance.adminPort = adminPort!;
    instance.proxyPort = proxyPort!;
    instance.appPorts = decl.ports.map((p) => ({
      port: p.port,
      targetPort: p.targetPort === 'auto' ? free.shift()! : p.targetPort,
    }));
  }

  private async launch(instance: Instance): Promise<void> {
    const { decl } = instance;
    await this.assignPorts(instance);
    const tokenFile = this.writeInstanceToken(instance);
    const pods = this.pods;
    const args = [
      ...this.command.slice(1),
      'run',
      '--quiet',
      '--name',
      decl.name,
      '--namespace',
      decl.namespace,
      '--service-account',
      decl.serviceAccount,
      '--instance',
      instance.name,
      ...Object.entries(decl.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ...decl.ports.flatMap((p, n) => [
        '--port',
        `${p.name ? `${p.name}=` : ''}${p.port}:${instance.appPorts[n]!.targetPort}/${p.protocol.toLowerCase()}`,
      ]),
      '--control-plane',
      this.sidecarXds,
      ...(pods === undefined
        ? ['--admin-port', String(instance.adminPort), '--proxy-port', String(instance.proxyPort)]
        : pods.runFlags(instance.name, decl)),
      '--drain-time-s',
      String(this.options.drainTimeMs / 1000),
      ...(tokenFile === undefined ? [] : ['--ca-token-file', tokenFile]),
      '--',
      ...decl.command,
    ];
    const argv =
      pods === undefined
        ? [this.command[0]!, ...args]
        : pods.command(instance.name, [this.command[0]!, ...args]);
    const inherited = { ...process.env };
    if (pods !== undefined) for (const name of PROXY_ENV) delete inherited[name];
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: decl.cwd,
      env: { ...inherited, ...decl.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    instance.child = child;
    instance.state = 'starting';
    instance.startedAt = performance.now();
    forwardLines(child.stdout!, (line) => this.options.output(instance.name, line));
    forwardLines(child.stderr!, (line) =>
      this.options.output(instance.name, line.replace(/^tandem run: /, '')),
    );
    instance.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        this.options.log(`${instance.name}: cannot start ${argv[0]}: ${err.message}`);
        resolve();
      });
      child.once('exit', (code, sig) => {
        this.onExit(instance, code ?? 128 + (sig === 'SIGKILL' ? 9 : 15));
        resolve();
      });
    });
  }

  private onExit(instance: Instance, code: number): void {
    instance.lastExitCode = code;
    instance.child = undefined;
    if (this.stopping) {
      instance.state = 'stopped';
      return;
    }
    const policy = instance.decl.restart;
    if (policy === 'never' || (policy === 'on-failure' && code === 0)) {
      instance.state = 'exited';
      this.options.log(`${instance.name} exited with code ${code}`);
      this.notifyReady();
      return;
    }
    const ranMs = performance.now() - instance.startedAt;
    instance.failures = ranMs >= HEALTHY_RUN_MS ? 0 : instance.failures + 1;
    const delayMs = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, instance.failures - 1));
    instance.state = 'waiting';
    this.options.log(`${instance.name} exited with code ${code}; restarting in ${delayMs / 1000}s`);
    instance.timer = setTimeout(() => {
      instance.timer = undefined;
      if (this.stopping) return;
      instance.restarts++;
      void this.launch(instance).catch((err) =>
        this.options.log(`${instance.name}: ${(err as Error).message}`),
      );
    }, delayMs);
  }

  /** Moves starting instances to ready once the sidecar answers /ready and the app listens. */
  private checkInstances(): void {
    for (const i of this.instances) {
      if (i.state !== 'starting' || i.checking || i.child === undefined) continue;
      i.checking = true;
      void isInstanceReady({ ...i, pid: i.child?.pid })
        .then((ready) => {
          if (ready && i.state === 'starting' && !this.stopping) {
            i.state = 'ready';
            this.notifyReady();
          }
        })
        .finally(() => (i.checking = false));
    }
  }

  private allReady(): boolean {
    return this.instances.every((i) => i.state === 'ready' || i.state === 'exited');
  }

  private notifyReady(): void {
    if (!this.allReady()) return;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  // ------------------------------------------------------------ ingress

  private async startGateway(): Promise<void> {
    const ingress = this.options.manifest.ingress;
    if (ingress === undefined) return;
    const listen: Record<string, string> = {};
    for (const port of ingress.ports)
      listen[String(port)] = `127.0.0.1:${this.options.ingressPorts?.get(port) ?? port}`;
    const raw = gatewayBootstrap({ host: '127.0.0.1', port: this.xdsPort }, listen);
    const checked = validateBootstrap(raw);
    if (!checked.ok)
      throw new Error(`ingress gateway bootstrap: ${checked.errors.map((e) => e.message).join('; ')}`);
    const security = this.controlPlane.security;
    const token = security?.localTokens.mint(GATEWAY_IDENTITY);
    this.gateway = new ProxyServer({
      bootstrap: checked.bootstrap,
      raw,
      drainTimeMs: this.options.drainTimeMs,
      identity:
        security === undefined || token === undefined
          ? undefined
          : {
              caAddress: `127.0.0.1:${this.xdsPort}`,
              token: () => token,
              trustDomain: security.trustDomain,
              ...GATEWAY_IDENTITY,
            },
      log: (line) => {
        if (!/^(cds|lds|rds|eds): /.test(line) || /reject|fail|error|invalid|timeout/i.test(line))
          this.options.log(`ingress gateway: ${line}`);
      },
    });
    await this.gateway.start();
  }
}
