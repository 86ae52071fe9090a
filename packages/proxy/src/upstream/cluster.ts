/**
 * A cluster at run time: its hosts (static, from DNS, or from EDS), the load balancer built over
 * them, a connection pool per host and protocol, and its stats. Host updates rebuild the load
 * balancer and keep the pools of hosts that stay.
 */
import type { Cluster, ClusterLoadAssignment } from '@tandem/api/envoy';
import type { Counter, StatsScope } from '../stats/stats.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { TandemError } from '../util/errors.ts';
import { IdleSweeper, sweepIntervalMs } from '../util/idle-sweeper.ts';
import { ClusterStats } from './cluster-stats.ts';
import { buildConnectionFactory, type ConnectionFactory } from './connection-factory.ts';
import { DnsResolver } from './dns-resolver.ts';
import { HealthChecker } from './health/health-checker.ts';
import { Host } from './host.ts';
import { Http1Pool } from './http1/http1-pool.ts';
import { Http2Pool } from './http2/http2-pool.ts';
import { getLoadBalancerFactory } from './lb/lb-registry.ts';
import type { LbContext, LoadBalancer } from './lb/load-balancer.ts';
import { buildPrioritySet, localityWeightsOf } from './lb/priority-set.ts';
import { OriginalDstHosts } from './original-dst-hosts.ts';
import { OutlierDetector } from './outlier/outlier-detector.ts';
import { buildResourceManagers, type ResourceManager } from './resource-manager.ts';
import type { UpstreamTransport } from './upstream-transport.ts';

export type UpstreamProtocol = 'http1' | 'http2';

export class ClusterRuntime {
  readonly name: string;
  readonly config: Cluster;
  readonly stats: ClusterStats;
  /** Circuit breakers: index 0 DEFAULT priority, 1 HIGH. */
  readonly resources: readonly [ResourceManager, ResourceManager];
  /** Passive health checking, when the cluster configures `outlier_detection`. */
  readonly outlier: OutlierDetector | undefined;
  private readonly healthCheckers: HealthChecker[] = [];
  private readonly clock: Clock;
  private readonly connect: ConnectionFactory;
  private readonly tls: boolean;
  /** TLS per host, following its SDS secrets; undefined for a plaintext cluster. */
  readonly transport: UpstreamTransport | undefined;
  private readonly random: () => number;
  private hosts: Host[] = [];
  private lb: LoadBalancer;
  private dns: DnsResolver | undefined;
  private initialized = false;
  private readonly initWaiters: (() => void)[] = [];
  /** Idle timeouts of this cluster's upstream connections. */
  private readonly sweeper: IdleSweeper;
  private originalDst: OriginalDstHosts | undefined;
  private localityWeights: ReadonlyMap<string, number> | undefined;
  private readonly lbStats: { healthyPanic: Counter };
  /** Health checkers that have not finished their first round (initialization waits for them). */
  private hcRoundsPending = 0;
  private hostsKnown = false;
  private overprovisioningFactor = 140;
  private stopped = false;
  private slowStartTimer: NodeJS.Timeout | undefined;

  constructor(
    config: Cluster,
    scope: StatsScope,
    transport: UpstreamTransport | undefined,
    random = Math.random,
    clock: Clock = systemClock,
  ) {
    this.name = config.name;
    this.config = config;
    const clusterScope = scope.scope(`cluster.${config.name}.`);
    this.stats = new ClusterStats(clusterScope);
    this.resources = buildResourceManagers(config.circuitBreakers, clusterScope);
    this.transport = transport;
    this.tls = transport?.defaultTls ?? false;
    this.random = random;
    this.clock = clock;
    this.connect = buildConnectionFactory({
      clusterName: config.name,
      connectTimeoutMs: config.connectTimeoutMs,
      transport,
    });
    this.lbStats = { healthyPanic: this.stats.lbHealthyPanic };
    this.sweeper = new IdleSweeper(
      sweepIntervalMs(config.idleTimeoutMs, config.type === 'ORIGINAL_DST' ? config.cleanupIntervalMs : 0),
    );
    this.outlier =
      config.outlierDetection === undefined
        ? undefined
        : new OutlierDetector(config.outlierDetection, clusterScope, {
            clock,
            random,
            onHealthChanged: this.onHealthChanged,
          });
    for (const hc of config.healthChecks ?? []) {
      this.hcRoundsPending++;
      this.healthCheckers.push(
        new HealthChecker(hc, clusterScope, {
          clusterName: config.name,
          connect: this.connect,
          hadTraffic: () => this.stats.upstreamRqTotal.value > 0,
          onProbe: this.onProbe,
          onFirstRound: this.onHealthCheckRound,
          random,
        }),
      );
    }
    this.lb = this.buildLb();
    this.start();
  }

  /** Resolves once the cluster has its first set of hosts (DNS or EDS answered, or static). */
  /** Resolves once the cluster has its first hosts and the TLS secrets it names (SDS). */
  whenInitialized(): Promise<void> {
    const hosts = this.initialized
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.initWaiters.push(resolve));
    return this.transport === undefined ? hosts : Promise.all([hosts, this.transport.whenReady()]).then(noop);
  }

  get isInitialized(): boolean {
    return this.initialized && (this.transport?.ready ?? true);
  }

  get allHosts(): readonly Host[] {
    return this.originalDst?.all() ?? this.hosts;
  }

  chooseHost(ctx: LbContext | undefined): Host | undefined {
    const od = this.originalDst;
    if (od !== undefined) {
      const d = ctx?.destination;
      return d === undefined ? undefined : od.hostFor(d.address, d.port);
    }
    return this.lb.chooseHost(ctx);
  }

  /** ORIGINAL_DST: hosts come from each connection's original destination, passed in LbContext. */
  get needsDestination(): boolean {
    return this.originalDst !== undefined;
  }

  /** The pool for `host`, created on first use. */
  pool(host: Host, protocol: UpstreamProtocol): Http1Pool | Http2Pool {
    if (protocol === 'http2') {
      return (host.http2Pool ??= new Http2Pool(host, this.connect, this.stats, {
        http2: this.config.http2,
        tls: this.tls,
        idleTimeoutMs: this.config.idleTimeoutMs,
        maxRequestsPerConnection: this.config.maxRequestsPerConnection,
        limits: this.resources,
      }));
    }
    return (host.http1Pool ??= new Http1Pool(host, this.connect, this.stats, {
      maxRequestsPerConnection: this.config.maxRequestsPerConnection,
      idleTimeoutMs: this.config.idleTimeoutMs,
      sweeper: this.sweeper,
      limits: this.resources,
    }));
  }

  /** Opens a raw transport connection to `host` (TCP proxy). */
  connectTcp(
    host: Host,
    onConnected: Parameters<ConnectionFactory>[1],
    onFailed: Parameters<ConnectionFactory>[2],
  ): void {
    this.connect(host, onConnected, onFailed);
  }

  /** Replaces the endpoints (EDS). Hosts with the same address keep their pools. */
  updateLoadAssignment(cla: ClusterLoadAssignment): void {
    const next: Host[] = [];
    for (const loc of cla.endpoints) {
      for (const ep of loc.lbEndpoints) next.push(Host.fromEndpoint(ep, loc.locality, loc.priority));
    }
    this.localityWeights = localityWeightsOf(cla);
    this.setHosts(next, cla.overprovisioningFactor);
    this.hostsArrived();
  }

  /** Closes idle upstream connections and stops DNS refresh, health checks and outlier detection. */
  shutdown(): void {
    this.stopped = true;
    if (this.slowStartTimer !== undefined) clearTimeout(this.slowStartTimer);
    this.dns?.stop();
    this.originalDst?.close();
    this.outlier?.stop();
    for (const hc of this.healthCheckers) hc.stop();
    this.transport?.close();
    for (const h of this.hosts) {
      h.http1Pool?.drain();
      h.http2Pool?.drain();
    }
  }

  // ------------------------------------------------------------ internals

  private start(): void {
    const c = this.config;
    if (c.type === 'ORIGINAL_DST') {
      this.originalDst = new OriginalDstHosts(this.sweeper, c.cleanupIntervalMs);
      this.markInitialized();
    } else if (c.type === 'STATIC' && c.loadAssignment !== undefined) {
      this.updateLoadAssignment(c.loadAssignment);
    } else if ((c.type === 'STRICT_DNS' || c.type === 'LOGICAL_DNS') && c.loadAssignment !== undefined) {
      this.dns = new DnsResolver(c, (hosts) => {
        if (hosts !== undefined) this.setHosts(hosts, c.loadAssignment!.overprovisioningFactor);
        this.hostsArrived();
      });
      this.dns.start();
    } else if (c.type !== 'EDS') {
      // No endpoints: an empty cluster is usable (503 UH).
      this.hostsArrived();
    }
    // EDS: initialized by its first ClusterLoadAssignment (the owner bounds the wait).
  }

  private setHosts(next: Host[], overprovisioningFactor: number): void {
    const old = new Map(this.hosts.map((h) => [h.key + '#' + h.priority, h]));
    const now = this.clock.nowMs();
    const merged = next.map((h) => {
      const prev = old.get(h.key + '#' + h.priority);
      if (prev === undefined) {
        // Hosts of the first set serve at full weight; later ones ramp up (slow start).
        if (this.hostsKnown) h.addedAtMs = now;
        return h;
      }
      old.delete(h.key + '#' + h.priority);
      prev.baseWeight = h.baseWeight;
      prev.weight = h.baseWeight;
      prev.edsHealthy = h.edsHealthy;
      prev.updateHealth();
      if (JSON.stringify(prev.transportSocketMatch) !== JSON.stringify(h.transportSocketMatch)) {
        // Another transport socket applies now: new connections only.
        prev.transportSocketMatch = h.transportSocketMatch;
        prev.http1Pool?.drain();
        prev.http2Pool?.drain();
        prev.http1Pool = undefined;
        prev.http2Pool = undefined;
      }
      return prev;
    });
    for (const gone of old.values()) {
      gone.http1Pool?.drain();
      gone.http2Pool?.drain();
    }
    this.hosts = merged;
    this.outlier?.setHosts(merged);
    for (const hc of this.healthCheckers) hc.setHosts(merged);
    this.overprovisioningFactor = overprovisioningFactor;
    this.rebuild();
  }

  /** Health changed (ejection, health check): rebuild the load balancer over the new healthy set. */
  private readonly onHealthChanged = (): void => {
    if (!this.stopped) this.rebuild();
  };

  private readonly onProbe = (host: Host, passed: boolean, changed: boolean): void => {
    if (passed) this.outlier?.onHealthCheckPassed(host);
    if (changed) this.onHealthChanged();
  };

  private readonly onHealthCheckRound = (): void => {
    if (this.hcRoundsPending > 0) this.hcRoundsPending--;
    if (this.hostsKnown && this.hcRoundsPending === 0) this.markInitialized();
  };

  /** The first set of hosts is known; with health checks, initialization waits for their first round. */
  private hostsArrived(): void {
    this.hostsKnown = true;
    if (this.hcRoundsPending === 0) this.markInitialized();
  }

  private rebuild(): void {
    if (this.config.slowStart !== undefined) this.applySlowStart();
    this.stats.membershipTotal.set(this.hosts.length);
    this.stats.membershipHealthy.set(this.hosts.filter((h) => h.healthy).length);
    this.lb = this.buildLb(this.overprovisioningFactor);
  }

  /**
   * Slow start: a host added less than `slow_start_window` ago serves with its weight scaled by
   * max(min_weight_percent, (age / window) ^ (1 / aggression)); the balancer is rebuilt as the
   * weights grow, until every host is past its window.
   */
  private applySlowStart(): void {
    const cfg = this.config.slowStart!;
    const now = this.clock.nowMs();
    let ramping = false;
    for (const h of this.hosts) {
      const age = now - h.addedAtMs;
      if (h.addedAtMs < 0 || age >= cfg.windowMs) {
        h.weight = h.baseWeight;
        continue;
      }
      ramping = true;
      const factor = Math.max(cfg.minWeightPercent / 100, (age / cfg.windowMs) ** (1 / cfg.aggression));
      h.weight = h.baseWeight * factor;
    }
    if (ramping && this.slowStartTimer === undefined && !this.stopped) {
      this.slowStartTimer = setTimeout(
        () => {
          this.slowStartTimer = undefined;
          if (!this.stopped) this.rebuild();
        },
        Math.max(50, cfg.windowMs / 20),
      );
      this.slowStartTimer.unref();
    }
  }

  private buildLb(overprovisioningFactor = 140): LoadBalancer {
    const set = buildPrioritySet(this.hosts, overprovisioningFactor, this.localityWeights);
    const factory = getLoadBalancerFactory(this.config.lbPolicy);
    if (factory === undefined) {
      throw new TandemError(
        'TANDEM_ERR_LB_CONFIG',
        `cluster "${this.name}": no load balancer for ${this.config.lbPolicy}`,
      );
    }
    return factory.create(set, this.config, this.random, this.lbStats);
  }

  private markInitialized(): void {
    if (this.initialized) return;
    this.initialized = true;
    for (const w of this.initWaiters.splice(0)) w();
  }
}

function noop(): void {}
