/**
 * Active health checking of a cluster's hosts (one `health_checks` entry). Each host is probed on
 * its own schedule: `interval` (plus jitter) while healthy, `unhealthy_interval` while not, and
 * `no_traffic_interval` until the cluster has carried a request. A host added to the cluster starts
 * as failing until its first probe passes (one pass is enough then, as in Envoy); after that,
 * `unhealthy_threshold` consecutive network failures take it down (a wrong HTTP status at once) and
 * `healthy_threshold` consecutive passes bring it back.
 */
import type { HealthCheck } from '@tandem/api/envoy';
import { realTimers, type TimerScheduler } from '@tandem/api/timers';
import type { Counter, Gauge, StatsScope } from '../../stats/stats.ts';
import type { ConnectionFactory } from '../connection-factory.ts';
import type { Host } from '../host.ts';
import { type ProbeOutcome, runProbe } from './probe.ts';

interface HostCheck {
  readonly host: Host;
  successes: number;
  failures: number;
  /** No probe has finished yet. */
  fresh: boolean;
  timer: unknown;
  stopped: boolean;
}

export interface HealthCheckerEnv {
  readonly clusterName: string;
  readonly connect: ConnectionFactory;
  /** Whether the cluster has carried any request yet (no_traffic_interval applies until then). */
  readonly hadTraffic: () => boolean;
  /** A probe finished; `changed` when the host's health changed (the cluster rebuilds its balancer). */
  readonly onProbe: (host: Host, passed: boolean, changed: boolean) => void;
  /** Every host present when checking started has finished its first probe. */
  readonly onFirstRound: () => void;
  readonly timers?: TimerScheduler;
  readonly random?: () => number;
}

export class HealthChecker {
  private readonly config: HealthCheck;
  private readonly env: HealthCheckerEnv;
  private readonly timers: TimerScheduler;
  private readonly random: () => number;
  private readonly checks = new Map<Host, HostCheck>();
  private readonly stats: {
    attempt: Counter;
    success: Counter;
    failure: Counter;
    networkFailure: Counter;
    healthy: Gauge;
  };
  private firstRoundPending: Set<HostCheck> | undefined;

  constructor(config: HealthCheck, scope: StatsScope, env: HealthCheckerEnv) {
    this.config = config;
    this.env = env;
    this.timers = env.timers ?? realTimers;
    this.random = env.random ?? Math.random;
    const s = scope.scope('health_check.');
    this.stats = {
      attempt: s.counter('attempt'),
      success: s.counter('success'),
      failure: s.counter('failure'),
      networkFailure: s.counter('network_failure'),
      healthy: s.gauge('healthy'),
    };
    s.counter('passive_failure');
    s.counter('verify_cluster');
    s.gauge('degraded');
  }

  /** Starts checking new hosts (they start as failing) and stops checking removed ones. */
  setHosts(hosts: readonly Host[]): void {
    const keep = new Set(hosts);
    for (const [host, c] of this.checks) {
      if (keep.has(host)) continue;
      c.stopped = true;
      if (c.timer !== undefined) this.timers.clear(c.timer);
      this.checks.delete(host);
      this.firstRoundPending?.delete(c);
    }
    const first = this.firstRoundPending === undefined && this.checks.size === 0;
    const added: HostCheck[] = [];
    for (const host of hosts) {
      if (this.checks.has(host)) continue;
      host.activeHcFailed = true;
      host.updateHealth();
      const c: HostCheck = { host, successes: 0, failures: 0, fresh: true, timer: undefined, stopped: false };
      this.checks.set(host, c);
      added.push(c);
    }
    if (first) this.firstRoundPending = new Set(added);
    for (const c of added) this.schedule(c, this.initialDelay());
    this.publish();
    this.maybeFirstRoundDone();
  }

  stop(): void {
    for (const c of this.checks.values()) {
      c.stopped = true;
      if (c.timer !== undefined) this.timers.clear(c.timer);
    }
    this.checks.clear();
  }

  // ------------------------------------------------------------ internals

  private initialDelay(): number {
    const j = this.config.initialJitterMs;
    return j > 0 ? Math.floor(this.random() * j) : 0;
  }

  private schedule(c: HostCheck, delayMs: number): void {
    c.timer = this.timers.set(() => this.probe(c), delayMs);
  }

  private probe(c: HostCheck): void {
    c.timer = undefined;
    if (c.stopped) return;
    this.stats.attempt.inc();
    const cfg = this.config;
    runProbe(cfg.check, c.host, this.env.connect, this.env.clusterName, cfg.timeoutMs, (outcome) =>
      this.onOutcome(c, outcome),
    );
  }

  private onOutcome(c: HostCheck, outcome: ProbeOutcome): void {
    if (c.stopped) return;
    const host = c.host;
    const wasFailed = host.activeHcFailed;
    if (outcome === 'healthy') {
      this.stats.success.inc();
      c.failures = 0;
      c.successes++;
      if (wasFailed && (c.fresh || c.successes >= this.config.healthyThreshold)) host.activeHcFailed = false;
    } else {
      this.stats.failure.inc();
      if (outcome === 'network') this.stats.networkFailure.inc();
      c.successes = 0;
      c.failures++;
      if (!wasFailed && (outcome === 'unhealthy' || c.failures >= this.config.unhealthyThreshold))
        host.activeHcFailed = true;
    }
    c.fresh = false;
    const changed = host.activeHcFailed !== wasFailed;
    if (changed) {
      host.updateHealth();
      this.publish();
    }
    this.env.onProbe(host, outcome === 'healthy', changed);
    if (this.firstRoundPending?.delete(c)) this.maybeFirstRoundDone();
    this.schedule(c, this.nextInterval(host));
  }

  private nextInterval(host: Host): number {
    const cfg = this.config;
    let ms = !this.env.hadTraffic()
      ? cfg.noTrafficIntervalMs
      : host.activeHcFailed
        ? cfg.unhealthyIntervalMs
        : cfg.intervalMs;
    if (cfg.intervalJitterMs > 0) ms += Math.floor(this.random() * cfg.intervalJitterMs);
    if (cfg.intervalJitterPercent > 0)
      ms += Math.floor((this.random() * ms * cfg.intervalJitterPercent) / 100);
    return ms;
  }

  private publish(): void {
    let healthy = 0;
    for (const c of this.checks.keys()) if (!c.activeHcFailed) healthy++;
    this.stats.healthy.set(healthy);
  }

  private maybeFirstRoundDone(): void {
    if (this.firstRoundPending === undefined || this.firstRoundPending.size > 0) return;
    this.firstRoundPending = undefined;
    this.env.onFirstRound();
  }
}
