/**
 * Envoy's per-cluster counters and gauges (`cluster.<name>.upstream_rq_total`, ...), resolved
 * once when the cluster is built so the request path only bumps numbers.
 */
import type { Counter, Gauge, StatsScope } from '../stats/stats.ts';

export class ClusterStats {
  readonly upstreamCxTotal: Counter;
  readonly upstreamCxActive: Gauge;
  readonly upstreamCxHttp1Total: Counter;
  readonly upstreamCxHttp2Total: Counter;
  readonly upstreamCxConnectFail: Counter;
  readonly upstreamCxConnectTimeout: Counter;
  readonly upstreamCxDestroy: Counter;
  readonly upstreamCxIdleTimeout: Counter;
  readonly upstreamCxMaxRequests: Counter;
  readonly upstreamCxReuse: Counter;
  readonly upstreamRqTotal: Counter;
  readonly upstreamRqActive: Gauge;
  readonly upstreamRqPendingTotal: Counter;
  readonly upstreamRqPendingActive: Gauge;
  readonly upstreamRqPendingFailureEject: Counter;
  readonly upstreamRqCancelled: Counter;
  readonly upstreamRqTimeout: Counter;
  readonly upstreamRqRxReset: Counter;
  readonly upstreamRqTxReset: Counter;
  readonly upstreamCxNoneHealthy: Counter;
  readonly upstreamCxOverflow: Counter;
  readonly upstreamRqPendingOverflow: Counter;
  readonly upstreamRqRetry: Counter;
  readonly upstreamRqRetrySuccess: Counter;
  readonly upstreamRqRetryOverflow: Counter;
  readonly upstreamRqRetryLimitExceeded: Counter;
  readonly upstreamRqRetryBackoffExponential: Counter;
  readonly upstreamRqPerTryTimeout: Counter;
  readonly upstreamRqMaxDurationReached: Counter;
  /** Requests whose body outgrew the buffer limit, so that they could no longer be retried. */
  readonly retryOrShadowAbandoned: Counter;
  readonly lbHealthyPanic: Counter;
  readonly membershipTotal: Gauge;
  readonly membershipHealthy: Gauge;
  /** upstream_rq_1xx .. upstream_rq_5xx, indexed by class (1..5). */
  readonly upstreamRqClass: Counter[];
  private readonly scope: StatsScope;
  private readonly byCode: (Counter | undefined)[] = [];
  /** `retry.upstream_rq_*`: the responses of attempts that were retried (made on first use). */
  private retried: { byClass: Counter[]; byCode: (Counter | undefined)[] } | undefined;

  constructor(scope: StatsScope) {
    this.scope = scope;
    this.upstreamCxTotal = scope.counter('upstream_cx_total');
    this.upstreamCxActive = scope.gauge('upstream_cx_active');
    this.upstreamCxHttp1Total = scope.counter('upstream_cx_http1_total');
    this.upstreamCxHttp2Total = scope.counter('upstream_cx_http2_total');
    this.upstreamCxConnectFail = scope.counter('upstream_cx_connect_fail');
    this.upstreamCxConnectTimeout = scope.counter('upstream_cx_connect_timeout');
    this.upstreamCxDestroy = scope.counter('upstream_cx_destroy');
    this.upstreamCxIdleTimeout = scope.counter('upstream_cx_idle_timeout');
    this.upstreamCxMaxRequests = scope.counter('upstream_cx_max_requests');
    this.upstreamCxReuse = scope.counter('upstream_cx_pool_reuse');
    this.upstreamRqTotal = scope.counter('upstream_rq_total');
    this.upstreamRqActive = scope.gauge('upstream_rq_active');
    this.upstreamRqPendingTotal = scope.counter('upstream_rq_pending_total');
    this.upstreamRqPendingActive = scope.gauge('upstream_rq_pending_active');
    this.upstreamRqPendingFailureEject = scope.counter('upstream_rq_pending_failure_eject');
    this.upstreamRqCancelled = scope.counter('upstream_rq_cancelled');
    this.upstreamRqTimeout = scope.counter('upstream_rq_timeout');
    this.upstreamRqRxReset = scope.counter('upstream_rq_rx_reset');
    this.upstreamRqTxReset = scope.counter('upstream_rq_tx_reset');
    this.upstreamCxNoneHealthy = scope.counter('upstream_cx_none_healthy');
    this.upstreamCxOverflow = scope.counter('upstream_cx_overflow');
    this.upstreamRqPendingOverflow = scope.counter('upstream_rq_pending_overflow');
    this.upstreamRqRetry = scope.counter('upstream_rq_retry');
    this.upstreamRqRetrySuccess = scope.counter('upstream_rq_retry_success');
    this.upstreamRqRetryOverflow = scope.counter('upstream_rq_retry_overflow');
    this.upstreamRqRetryLimitExceeded = scope.counter('upstream_rq_retry_limit_exceeded');
    this.upstreamRqRetryBackoffExponential = scope.counter('upstream_rq_retry_backoff_exponential');
    this.upstreamRqPerTryTimeout = scope.counter('upstream_rq_per_try_timeout');
    this.upstreamRqMaxDurationReached = scope.counter('upstream_rq_max_duration_reached');
    this.retryOrShadowAbandoned = scope.counter('retry_or_shadow_abandoned');
    this.lbHealthyPanic = scope.counter('lb_healthy_panic');
    this.membershipTotal = scope.gauge('membership_total');
    this.membershipHealthy = scope.gauge('membership_healthy');
    this.upstreamRqClass = [0, 1, 2, 3, 4, 5].map((c) => scope.counter(`upstream_rq_${c}xx`));
  }

  /** Counts a completed upstream response by class and exact code. */
  countResponse(status: number): void {
    const cls = (status / 100) | 0;
    if (cls >= 1 && cls <= 5) this.upstreamRqClass[cls]!.inc();
    let c = this.byCode[status];
    if (c === undefined) this.byCode[status] = c = this.scope.counter(`upstream_rq_${status}`);
    c.inc();
  }

  /** Counts the response of an attempt that is being retried, as Envoy does, under `retry.`. */
  countRetriedResponse(status: number): void {
    let r = this.retried;
    if (r === undefined) {
      const byClass = [0, 1, 2, 3, 4, 5].map((c) => this.scope.counter(`retry.upstream_rq_${c}xx`));
      this.retried = r = { byClass, byCode: [] };
    }
    const cls = (status / 100) | 0;
    if (cls >= 1 && cls <= 5) r.byClass[cls]!.inc();
    let c = r.byCode[status];
    if (c === undefined) r.byCode[status] = c = this.scope.counter(`retry.upstream_rq_${status}`);
    c.inc();
  }
}
