/**
 * The proxy as a whole: builds clusters, listeners and the admin API from a validated bootstrap,
 * starts them in Envoy's order (clusters initialize, the ADS client fetches CDS -> EDS -> LDS ->
 * RDS, then listeners bind, then LIVE), applies xDS updates at run time through the apply API,
 * and drains on shutdown: stop accepting, let in-flight requests finish, exit after the drain time.
 */
import type {
  Bootstrap,
  Cluster,
  ClusterLoadAssignment,
  HttpConnectionManager,
  Listener,
  RouteConfiguration,
  Secret,
} from '@tandem/api/envoy';
import { TANDEM_VERSION } from '@tandem/api/envoy';
import './builtin.ts';
import type { AdminTarget, DynamicConfigDump, ListenerInfo, ServerState } from './admin/admin-handler.ts';
import { AdminServer } from './admin/admin-server.ts';
import { LogLevels } from './admin/log-levels.ts';
import { PrometheusServer } from './admin/prometheus-server.ts';
import type { ApplyOptions, ApplyResult } from './config/apply-result.ts';
import type { IdentityAgentHandle, WorkloadIdentityOptions } from './identity/identity-types.ts';
import { ListenerManager } from './listener/listener-manager.ts';
import { rdsDependencies } from './listener/rds-dependencies.ts';
import { RdsRoutes } from './router/rds-routes.ts';
import { type RouteProvider, StaticRouteProvider } from './router/route-provider.ts';
import { compileRouteConfiguration } from './router/route-table.ts';
import { StatsStore } from './stats/stats.ts';
import { Telemetry, type TelemetryOptions } from './telemetry/telemetry.ts';
import { checkSecret } from './tls/check-secret.ts';
import { SecretStore } from './tls/secret-store.ts';
import { ClusterManager } from './upstream/cluster-manager.ts';
import { DynamicClusters } from './upstream/dynamic-clusters.ts';
import { buildUpstreamTransport } from './upstream/upstream-transport.ts';
import { type Clock, systemClock } from './util/clock.ts';
import type { XdsClientHandle } from './xds/xds-target.ts';

export interface ProxyOptions {
  bootstrap: Bootstrap;
  /** The bootstrap as loaded (proto3 JSON shape), for /config_dump. */
  raw: Record<string, unknown>;
  /** How long draining may take before remaining connections are closed. Default 5000. */
  drainTimeMs?: number;
  /** How long to wait for clusters (DNS) and the first xDS responses before binding listeners anyway. Default 15000. */
  initTimeoutMs?: number;
  clock?: Clock;
  /** Where progress lines go (default: stderr). */
  log?: (line: string) => void;
  /** Where to serve `/stats/prometheus` for scraping (Istio: 0.0.0.0:15090); none when absent. */
  prometheusAddress?: { address: string; port: number };
  /**
   * Admin address when the bootstrap has no `admin` block (the CLI passes 127.0.0.1:15000, so the
   * admin API is on localhost by default); a bind failure then is a warning, not an error.
   */
  defaultAdminAddress?: { address: string; port: number };
  /** Access log writers and span batching (tests shorten the flush interval). */
  telemetry?: TelemetryOptions;
  /** Called when the proxy has fully stopped (e.g. after /quitquitquit). */
  onExit?: () => void;
  /**
   * Workload identity: the proxy generates a key in memory, gets its certificate from the CA and provides
   * it locally as the SDS secret `default`, renewing it before it expires.
   */
  identity?: WorkloadIdentityOptions;
}

export class ProxyServer implements AdminTarget {
  readonly stats = new StatsStore();
  readonly telemetry: Telemetry;
  readonly logLevels = new LogLevels();
  readonly clusters: ClusterManager;
  /** Static, SDS and locally provided secrets; TLS contexts follow them. */
  readonly secrets: SecretStore;
  readonly bootstrap: Bootstrap;
  private readonly options: ProxyOptions;
  private readonly clock: Clock;
  private readonly listenerManager: ListenerManager;
  private readonly rds: RdsRoutes;
  private readonly dynamicClusters: DynamicClusters;
  private readonly versions = { lds: '', cds: '' };
  private xds: XdsClientHandle | undefined;
  private identityAgent: IdentityAgentHandle | undefined;
  private admin: AdminServer | undefined;
  private adminPortValue = 0;
  private prometheus: PrometheusServer | undefined;
  private prometheusPortValue = 0;
  private serverState: ServerState = 'PRE_INITIALIZING';
  private healthFailed = false;
  private readonly startedMs = Date.now();
  private stopping: Promise<void> | undefined;

  constructor(options: ProxyOptions) {
    this.options = options;
    this.bootstrap = options.bootstrap;
    this.clock = options.clock ?? systemClock;
    this.telemetry = new Telemetry(options.bootstrap.node, this.stats, options.telemetry);
    const sr = options.bootstrap.staticResources;
    const log = (line: string): void => this.log(line);
    const secrets = new SecretStore(sr.secrets);
    this.secrets = secrets;
    this.clusters = new ClusterManager(this.stats, (c) => buildUpstreamTransport(c, secrets, log));
    for (const c of sr.clusters) this.clusters.addOrUpdate(c);
    const wallMs = (): number => this.clock.wallMs();
    this.rds = new RdsRoutes(wallMs);
    this.dynamicClusters = new DynamicClusters(this.clusters, { stats: this.stats, wallMs, log });
    const filters = {
      clusters: this.clusters,
      stats: this.stats,
      clock: this.clock,
      routes: (hcm: HttpConnectionManager) => this.routeProvider(hcm),
      telemetry: this.telemetry,
      direction: 'UNSPECIFIED' as const,
      localCluster: options.bootstrap.node.cluster,
    };
    this.listenerManager = new ListenerManager(sr.listeners, {
      filters,
      secrets,
      routes: this.rds,
      stats: this.stats,
      drainTimeMs: options.drainTimeMs ?? 5000,
      log,
    });
  }

  /** Starts admin, the ADS client (if configured), waits for initialization, binds listeners. */
  async start(): Promise<void> {
    const adminCfg = this.options.bootstrap.admin;
    if (adminCfg !== undefined) {
      this.admin = new AdminServer(this);
      this.adminPortValue = await this.admin.listen(adminCfg.address.address, adminCfg.address.portValue);
      if (!isLoopback(adminCfg.address.address))
        this.log(`warning: the admin API listens on ${adminCfg.address.address}, not only on localhost`);
    } else if (this.options.defaultAdminAddress !== undefined) {
      const { address, port } = this.options.defaultAdminAddress;
      const admin = new AdminServer(this);
      try {
        this.adminPortValue = await admin.listen(address, port);
        this.admin = admin;
      } catch (err) {
        admin.close();
        this.log(`warning: no admin API: ${(err as Error).message}`);
      }
    }
    const prom = this.options.prometheusAddress;
    if (prom !== undefined) {
      this.prometheus = new PrometheusServer(this.stats, this.telemetry);
      this.prometheusPortValue = await this.prometheus.listen(prom.address, prom.port);
    }
    this.serverState = 'INITIALIZING';
    if (this.options.identity !== undefined) {
      const { startIdentityAgent } = await import('./identity/start-identity-agent.ts');
      this.identityAgent = startIdentityAgent(this.secrets, this.options.identity, (line) => this.log(line));
      await this.identityAgent.firstCertificate(this.options.initTimeoutMs ?? 15000);
    }
    if (this.bootstrap.dynamicResources?.ads !== undefined) {
      const { startXdsClient } = await import('./xds/start-xds-client.ts');
      this.xds = startXdsClient(this, { stats: this.stats, log: (line) => this.log(line) });
    }
    await this.waitForInit();
    try {
      await this.listenerManager.listenStatic();
    } catch (err) {
      await this.stop(0);
      throw err;
    }
    this.serverState = 'LIVE';
  }

  get adminPort(): number {
    return this.adminPortValue;
  }

  /** Bound port of the scrape listener (0 when there is none). */
  get prometheusPort(): number {
    return this.prometheusPortValue;
  }

  /** Bound port of the listener named `name` (a warming listener's socket is bound too). */
  listenerPort(name: string): number {
    const port = this.listenerManager.port(name);
    if (port === undefined) throw new Error(`no listener named ${name}`);
    return port;
  }

  /** Drains (stop accepting, finish in-flight) then closes everything. */
  stop(drainTimeMs = this.options.drainTimeMs ?? 5000): Promise<void> {
    this.stopping ??= this.doStop(drainTimeMs);
    return this.stopping;
  }

  // ------------------------------------------------------------ apply API (used by the xDS client)

  /** LDS: adds or updates listeners (warming on their RDS routes) and removes `options.removed`. */
  async applyListeners(listeners: readonly Listener[], options: ApplyOptions = {}): Promise<ApplyResult> {
    const result = await this.listenerManager.applyListeners(listeners, options);
    if (result.ok && options.versionInfo !== undefined) this.versions.lds = options.versionInfo;
    return result;
  }

  /** RDS: compiles the route configurations and swaps each into its provider. */
  applyRoutes(routes: readonly RouteConfiguration[], options: ApplyOptions = {}): ApplyResult {
    return this.rds.apply(routes, options);
  }

  /** CDS: adds or updates clusters (warming on their endpoints) and removes `options.removed`. */
  applyClusters(clusters: readonly Cluster[], options: ApplyOptions = {}): ApplyResult {
    const result = this.dynamicClusters.applyClusters(clusters, options);
    if (result.ok && options.versionInfo !== undefined) this.versions.cds = options.versionInfo;
    return result;
  }

  /** EDS: replaces the endpoints of the clusters using each assignment's service name. */
  applyEndpoints(assignments: readonly ClusterLoadAssignment[], options: ApplyOptions = {}): ApplyResult {
    return this.dynamicClusters.applyEndpoints(assignments, options);
  }

  /** SDS: checks each secret's PEM, then stores it; the TLS contexts that name it are rebuilt. */
  applySecrets(secrets: readonly Secret[], options: ApplyOptions = {}): ApplyResult {
    const errors = [];
    for (const s of secrets) {
      if (this.secrets.isLocal(s.name)) {
        this.log(`sds: secret "${s.name}" is provided locally; the SDS version is not used`);
        continue;
      }
      try {
        checkSecret(s);
      } catch (err) {
        errors.push({ name: s.name, message: (err as Error).message });
      }
    }
    if (errors.length > 0) return { ok: false, errors };
    for (const s of secrets)
      if (!this.secrets.isLocal(s.name)) this.secrets.set(s, 'sds', options.versionInfo ?? '');
    for (const name of options.removed ?? []) this.secrets.delete(name);
    return { ok: true };
  }

  /** Secret names the TLS contexts use that come over SDS. */
  sdsSecretNames(): string[] {
    return this.secrets.watchedNames().filter((n) => !this.secrets.isLocal(n));
  }

  /** The workload certificate agent, when the proxy has an identity. */
  get identity(): IdentityAgentHandle | undefined {
    return this.identityAgent;
  }

  /** RDS names the listeners need (static, active and warming). */
  routeConfigNames(): string[] {
    const names = new Set<string>();
    for (const l of this.listenerManager.configs()) for (const d of rdsDependencies(l)) names.add(d.name);
    return [...names];
  }

  /** EDS service names the clusters need (static and dynamic, active and warming). */
  edsServiceNames(): string[] {
    return [...this.dynamicClusters.edsServiceNames()];
  }

  /** Resolves when no cluster is warming. */
  whenClustersWarm(): Promise<void> {
    return this.dynamicClusters.whenWarm();
  }

  /** Resolves when no listener is warming. */
  whenListenersWarm(): Promise<void> {
    return this.listenerManager.whenWarm();
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
    return this.listenerManager
      .active()
      .map((l) => ({ name: l.name, address: l.address.address, port: l.port }));
  }

  rawConfig(): Record<string, unknown> {
    return this.options.raw;
  }

  dynamicConfig(): DynamicConfigDump {
    const c = this.dynamicClusters;
    return {
      ldsVersion: this.versions.lds,
      listeners: this.listenerManager.dump(),
      cdsVersion: this.versions.cds,
      activeClusters: c.dumpActive(),
      warmingClusters: c.dumpWarming(),
      routes: this.rds.dump(),
      endpoints: c.dumpEndpoints(),
    };
  }

  /**
   * Stops accepting and drains: every listener, or with `inboundOnly` those whose traffic_direction
   * is INBOUND (Envoy's /drain_listeners?inboundonly), so that a workload shutting down stops
   * taking requests while its own outbound calls still work.
   */
  drainListeners(options: { inboundOnly?: boolean } = {}): void {
    this.serverState = 'DRAINING';
    this.listenerManager.drain(options.inboundOnly ? isInbound : undefined);
  }

  /** Connections still open on the listeners `inboundOnly` selects (see drainListeners). */
  openConnections(options: { inboundOnly?: boolean } = {}): number {
    return this.listenerManager.connectionsOf(options.inboundOnly ? isInbound : undefined);
  }

  /** Stops the xDS client: the config stays as it is, and a control plane sees the proxy leave. */
  stopXds(): void {
    this.xds?.stop();
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
    return this.rds.provider(spec.routeConfigName);
  }

  /** Static clusters have their hosts and the first xDS round is done, or the init timeout passed. */
  private async waitForInit(): Promise<void> {
    const timeoutMs = this.options.initTimeoutMs ?? 15000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log(`not initialized after ${timeoutMs} ms; starting listeners anyway`);
        resolve();
      }, timeoutMs);
    });
    const ready = Promise.all([this.clusters.whenInitialized(), this.xds?.initialized]);
    await Promise.race([ready, timeout]);
    clearTimeout(timer);
  }

  private async doStop(drainTimeMs: number): Promise<void> {
    this.xds?.stop();
    this.identityAgent?.stop();
    this.drainListeners();
    const deadline = this.clock.nowMs() + drainTimeMs;
    while (this.listenerManager.activeConnections > 0 && this.clock.nowMs() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.listenerManager.destroyConnections();
    this.dynamicClusters.shutdown();
    this.clusters.shutdown();
    this.admin?.close();
    this.prometheus?.close();
    this.telemetry.close();
  }

  private log(line: string): void {
    if (!this.logLevels.enabled('main', 'info')) return;
    (this.options.log ?? ((s: string) => process.stderr.write(`${s}\n`)))(line);
  }
}

function isInbound(config: Listener | undefined): boolean {
  return config?.trafficDirection === 'INBOUND';
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}
