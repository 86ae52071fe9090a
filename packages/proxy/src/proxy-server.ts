/**
 * The proxy as a whole: builds clusters, listeners and the admin API from a validated bootstrap,
 * starts them in Envoy's order (clusters initialize, then listeners bind, then LIVE), and drains
 * on shutdown: stop accepting, let in-flight requests finish, exit after the drain time.
 */
import type { Bootstrap, HttpConnectionManager, Secret } from '@tandem/api';
import { TANDEM_VERSION } from '@tandem/api';
import './builtin.ts';
import type { AdminTarget, ListenerInfo, ServerState } from './admin/admin-handler.ts';
import { AdminServer } from './admin/admin-server.ts';
import { ListenerRuntime } from './listener/listener-runtime.ts';
import { DynamicRouteProvider, type RouteProvider, StaticRouteProvider } from './router/route-provider.ts';
import { compileRouteConfiguration } from './router/route-table.ts';
import { StatsStore } from './stats/stats.ts';
import { buildClientTlsOptions } from './tls/client-tls-options.ts';
import { ClusterManager } from './upstream/cluster-manager.ts';
import { type Clock, systemClock } from './util/clock.ts';

export interface ProxyOptions {
  bootstrap: Bootstrap;
  /** The bootstrap as loaded (proto3 JSON shape), for /config_dump. */
  raw: Record<string, unknown>;
  /** How long draining may take before remaining connections are closed. Default 5000. */
  drainTimeMs?: number;
  /** How long to wait for clusters (DNS) before binding listeners anyway. Default 15000. */
  initTimeoutMs?: number;
  clock?: Clock;
  /** Where progress lines go (default: stderr). */
  log?: (line: string) => void;
  /** Called when the proxy has fully stopped (e.g. after /quitquitquit). */
  onExit?: () => void;
}

export class ProxyServer implements AdminTarget {
  readonly stats = new StatsStore();
  readonly clusters: ClusterManager;
  private readonly options: ProxyOptions;
  private readonly secrets: Map<string, Secret>;
  private readonly clock: Clock;
  private readonly listenerRuntimes: ListenerRuntime[] = [];
  private readonly rdsProviders = new Map<string, DynamicRouteProvider>();
  private admin: AdminServer | undefined;
  private adminPortValue = 0;
  private serverState: ServerState = 'PRE_INITIALIZING';
  private healthFailed = false;
  private readonly startedMs = Date.now();
  private stopping: Promise<void> | undefined;

  constructor(options: ProxyOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const sr = options.bootstrap.staticResources;
    this.secrets = new Map(sr.secrets.map((s) => [s.name, s]));
    const lookup = (name: string): Secret | undefined => this.secrets.get(name);
    this.clusters = new ClusterManager(this.stats, (c) =>
      c.transportSocket === undefined ? undefined : buildClientTlsOptions(c.transportSocket, lookup),
    );
    for (const c of sr.clusters) this.clusters.addOrUpdate(c);
    const ctx = {
      clusters: this.clusters,
      stats: this.stats,
      clock: this.clock,
      routes: (hcm: HttpConnectionManager) => this.routeProvider(hcm),
    };
    for (const l of sr.listeners) this.listenerRuntimes.push(new ListenerRuntime(l, ctx, lookup));
  }

  /** Starts admin, waits for clusters, binds listeners. Rejects (and cleans up) if a bind fails. */
  async start(): Promise<void> {
    const adminCfg = this.options.bootstrap.admin;
    if (adminCfg !== undefined) {
      this.admin = new AdminServer(this);
      this.adminPortValue = await this.admin.listen(adminCfg.address.address, adminCfg.address.portValue);
    }
    this.serverState = 'INITIALIZING';
    await this.waitForClusters();
    try {
      for (const l of this.listenerRuntimes) await l.listen();
    } catch (err) {
      await this.stop(0);
      throw err;
    }
    this.serverState = 'LIVE';
  }

  get adminPort(): number {
    return this.adminPortValue;
  }

  /** Bound port of the listener named `name`. */
  listenerPort(name: string): number {
    const l = this.listenerRuntimes.find((x) => x.config.name === name);
    if (l === undefined) throw new Error(`no listener named ${name}`);
    return l.port;
  }

  /** Drains (stop accepting, finish in-flight) then closes everything. */
  stop(drainTimeMs = this.options.drainTimeMs ?? 5000): Promise<void> {
    this.stopping ??= this.doStop(drainTimeMs);
    return this.stopping;
  }

  // ------------------------------------------------------------ AdminTarget

  state(): ServerState {
    return this.healthFailed && this.serverState === 'LIVE' ? 'DRAINING' : this.serverState;
  }

  serverInfo(): Record<string, unknown> {
    const uptime = `${Math.floor((Date.now() - this.startedMs) / 1000)}s`;
    return {
      version: `tandem/${TANDEM_VERSION}`,
      state: this.state(),
      uptime_current_epoch: uptime,
      uptime_all_epochs: uptime,
      hot_restart_version: 'disabled',
      command_line_options: { drain_time: `${(this.options.drainTimeMs ?? 5000) / 1000}s` },
      node: this.options.bootstrap.node,
    };
  }

  listeners(): ListenerInfo[] {
    return this.listenerRuntimes.map((l) => ({
      name: l.config.name,
      address: l.config.address.address,
      port: l.port,
    }));
  }

  rawConfig(): Record<string, unknown> {
    return this.options.raw;
  }

  drainListeners(): void {
    this.serverState = 'DRAINING';
    for (const l of this.listenerRuntimes) l.drain();
  }

  setHealthFailed(failed: boolean): void {
    this.healthFailed = failed;
  }

  quit(): void {
    void this.stop(0).then(() => this.options.onExit?.());
  }

  // ------------------------------------------------------------ internals

  private routeProvider(hcm: HttpConnectionManager): RouteProvider {
    const spec = hcm.routeSpecifier;
    if (spec.kind === 'routeConfig')
      return new StaticRouteProvider(compileRouteConfiguration(spec.routeConfig));
    let p = this.rdsProviders.get(spec.routeConfigName);
    if (p === undefined)
      this.rdsProviders.set(spec.routeConfigName, (p = new DynamicRouteProvider(spec.routeConfigName)));
    return p;
  }

  private async waitForClusters(): Promise<void> {
    const timeoutMs = this.options.initTimeoutMs ?? 15000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log(`clusters not initialized after ${timeoutMs} ms; starting listeners anyway`);
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.clusters.whenInitialized(), timeout]);
    clearTimeout(timer);
  }

  private async doStop(drainTimeMs: number): Promise<void> {
    this.drainListeners();
    const deadline = this.clock.nowMs() + drainTimeMs;
    while (this.activeConnections() > 0 && this.clock.nowMs() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const l of this.listenerRuntimes) l.destroyConnections();
    this.clusters.shutdown();
    this.admin?.close();
  }

  private activeConnections(): number {
    let n = 0;
    for (const l of this.listenerRuntimes) n += l.activeConnections;
    return n;
  }

  private log(line: string): void {
    (this.options.log ?? ((s: string) => process.stderr.write(`${s}\n`)))(line);
  }
}
