/**
 * Passive health checking for one cluster (Envoy's outlier detection). The router reports each
 * attempt's result; a host reaching `consecutive_5xx` (or gateway, or local-origin) failures is
 * ejected at once, and each interval the statistical checks (success rate, failure percentage) run
 * over the last interval's counts. An ejected host leaves the load balancer for
 * `base_ejection_time` times the number of times it was ejected in a row (capped), and comes back
 * at the first interval after that. At most `max_ejection_percent` of the hosts are ejected at a
 * time, but one host always may be.
 *
 * Without `split_external_local_origin_errors`, a local-origin failure counts as a 503 (connect
 * failure or reset) or a 504 (timeout), as in Envoy.
 */
import type { ClusterOutlierDetection } from '@tandem/api/envoy';
import { realTimers, type TimerScheduler } from '@tandem/api/timers';
import type { StatsScope } from '../../stats/stats.ts';
import type { Clock } from '../../util/clock.ts';
import type { Host } from '../host.ts';
import { HostMonitor } from './host-monitor.ts';
import { OutlierStats } from './outlier-stats.ts';
import { failurePercentageOutliers, successRateOutliers } from './success-rate.ts';

export type EjectionType =
  | 'consecutive_5xx'
  | 'consecutive_gateway_failure'
  | 'consecutive_local_origin_failure'
  | 'success_rate'
  | 'local_origin_success_rate'
  | 'failure_percentage'
  | 'failure_percentage_local_origin';

/** A request's local-origin outcome: the connection failed, timed out, was reset, or worked. */
export type LocalOriginResult = 'connect-failure' | 'timeout' | 'reset' | 'success';

export interface OutlierEnv {
  readonly clock: Clock;
  readonly timers?: TimerScheduler;
  /** Float in [0, 1): enforcement rolls and ejection jitter. */
  readonly random?: () => number;
  /** Called after hosts were ejected or returned, so the cluster rebuilds its load balancer. */
  readonly onHealthChanged: () => void;
}

export class OutlierDetector {
  readonly stats: OutlierStats;
  private readonly config: ClusterOutlierDetection;
  private readonly env: OutlierEnv;
  private readonly timers: TimerScheduler;
  private readonly random: () => number;
  private hosts: readonly Host[] = [];
  private timer: unknown;
  private stopped = false;

  constructor(config: ClusterOutlierDetection, scope: StatsScope, env: OutlierEnv) {
    this.config = config;
    this.env = env;
    this.timers = env.timers ?? realTimers;
    this.random = env.random ?? Math.random;
    this.stats = new OutlierStats(scope);
    this.timer = this.timers.set(this.onInterval, config.intervalMs);
  }

  /** The cluster's hosts changed: new hosts get a monitor, removed ones stop counting as ejected. */
  setHosts(hosts: readonly Host[]): void {
    for (const h of this.hosts) if (!hosts.includes(h) && h.outlierEjected) this.stats.ejectionsActive.dec();
    for (const h of hosts) if (h.outlier === undefined) h.outlier = new HostMonitor();
    this.hosts = hosts;
  }

  /** An upstream response status from `host` (an external-origin result). */
  reportHttpStatus(host: Host, status: number): void {
    const m = host.outlier as HostMonitor | undefined;
    if (m === undefined) return;
    const failed = status >= 500 && status < 600;
    m.external.record(!failed);
    if (!failed) {
      m.consecutive5xx = 0;
      m.consecutiveGatewayFailure = 0;
      return;
    }
    this.count5xx(host, m, status >= 502 && status <= 504);
  }

  /** A local-origin outcome (connection failure, timeout, reset, or a connection that worked). */
  reportLocalOrigin(host: Host, result: LocalOriginResult): void {
    const m = host.outlier as HostMonitor | undefined;
    if (m === undefined) return;
    const c = this.config;
    if (!c.splitExternalLocalOriginErrors) {
      if (result === 'success') return;
      m.external.record(false);
      return this.count5xx(host, m, true);
    }
    m.local.record(result === 'success');
    if (result === 'success') {
      m.consecutiveLocalOriginFailure = 0;
      return;
    }
    const limit = c.consecutiveLocalOriginFailure;
    if (limit > 0 && ++m.consecutiveLocalOriginFailure >= limit) {
      m.consecutiveLocalOriginFailure = 0;
      this.eject(host, m, 'consecutive_local_origin_failure', c.enforcingConsecutiveLocalOriginFailure);
    }
  }

  /** A passing active health check returns an ejected host to service (when configured). */
  onHealthCheckPassed(host: Host): void {
    const m = host.outlier as HostMonitor | undefined;
    if (m === undefined || !host.outlierEjected || !this.config.successfulActiveHealthCheckUnejectHost)
      return;
    this.uneject(host, m, this.env.clock.nowMs());
    this.env.onHealthChanged();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  // ------------------------------------------------------------ internals

  private count5xx(host: Host, m: HostMonitor, gateway: boolean): void {
    const c = this.config;
    if (gateway) {
      if (c.consecutiveGatewayFailure > 0 && ++m.consecutiveGatewayFailure >= c.consecutiveGatewayFailure) {
        m.consecutiveGatewayFailure = 0;
        this.eject(host, m, 'consecutive_gateway_failure', c.enforcingConsecutiveGatewayFailure);
      }
    } else {
      m.consecutiveGatewayFailure = 0;
    }
    if (c.consecutive5xx > 0 && ++m.consecutive5xx >= c.consecutive5xx) {
      m.consecutive5xx = 0;
      this.eject(host, m, 'consecutive_5xx', c.enforcingConsecutive5xx);
    }
  }

  private eject(host: Host, m: HostMonitor, type: EjectionType, enforcingPercent: number): void {
    if (host.outlierEjected) return;
    this.stats.detected(type);
    if (enforcingPercent <= 0 || this.random() * 100 >= enforcingPercent) return;
    if (!this.ejectionAllowed()) {
      this.stats.ejectionsOverflow.inc();
      return;
    }
    const c = this.config;
    m.ejections++;
    const base = Math.min(c.baseEjectionTimeMs * m.ejections, c.maxEjectionTimeMs);
    const jitter = c.maxEjectionTimeJitterMs > 0 ? Math.floor(this.random() * c.maxEjectionTimeJitterMs) : 0;
    m.ejectedUntilMs = this.env.clock.nowMs() + base + jitter;
    host.outlierEjected = true;
    host.updateHealth();
    this.stats.enforced(type);
    this.env.onHealthChanged();
  }

  /** At least one host may always be ejected; beyond that, at most max_ejection_percent. */
  private ejectionAllowed(): boolean {
    const active = this.stats.ejectionsActive.value;
    if (active === 0) return true;
    return (100 * (active + 1)) / this.hosts.length <= this.config.maxEjectionPercent;
  }

  private uneject(host: Host, m: HostMonitor, now: number): void {
    host.outlierEjected = false;
    host.updateHealth();
    m.ejectedUntilMs = -1;
    m.unejectedAtMs = now;
    m.consecutive5xx = 0;
    m.consecutiveGatewayFailure = 0;
    m.consecutiveLocalOriginFailure = 0;
    this.stats.ejectionsActive.dec();
  }

  private readonly onInterval = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.env.clock.nowMs();
    let changed = false;
    for (const host of this.hosts) {
      const m = host.outlier as HostMonitor;
      if (host.outlierEjected) {
        if (now >= m.ejectedUntilMs) {
          this.uneject(host, m, now);
          changed = true;
        }
      } else if (m.ejections > 0 && now - m.unejectedAtMs >= this.config.intervalMs) {
        m.ejections--;
      }
      m.swapIntervals();
    }
    if (changed) this.env.onHealthChanged();
    this.runStatisticalChecks();
    this.timer = this.timers.set(this.onInterval, this.config.intervalMs);
  };

  private runStatisticalChecks(): void {
    const c = this.config;
    const hosts = this.hosts;
    const external = hosts.map((h) => (h.outlier as HostMonitor).lastExternal);
    const sr = { requestVolume: c.successRateRequestVolume, minimumHosts: c.successRateMinimumHosts };
    const fp = {
      requestVolume: c.failurePercentageRequestVolume,
      minimumHosts: c.failurePercentageMinimumHosts,
      threshold: c.failurePercentageThreshold,
    };
    for (const i of successRateOutliers(external, { ...sr, stdevFactor: c.successRateStdevFactor }))
      this.eject(hosts[i]!, hosts[i]!.outlier as HostMonitor, 'success_rate', c.enforcingSuccessRate);
    for (const i of failurePercentageOutliers(external, fp))
      this.eject(
        hosts[i]!,
        hosts[i]!.outlier as HostMonitor,
        'failure_percentage',
        c.enforcingFailurePercentage,
      );
    if (!c.splitExternalLocalOriginErrors) return;
    const local = hosts.map((h) => (h.outlier as HostMonitor).lastLocal);
    for (const i of successRateOutliers(local, { ...sr, stdevFactor: c.successRateStdevFactor }))
      this.eject(
        hosts[i]!,
        hosts[i]!.outlier as HostMonitor,
        'local_origin_success_rate',
        c.enforcingLocalOriginSuccessRate,
      );
    for (const i of failurePercentageOutliers(local, fp))
      this.eject(
        hosts[i]!,
        hosts[i]!.outlier as HostMonitor,
        'failure_percentage_local_origin',
        c.enforcingFailurePercentageLocalOrigin,
      );
  }
}
