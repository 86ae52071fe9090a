/**
 * Envoy's connection-manager stats (`http.<stat_prefix>.downstream_rq_total`, ...), resolved once
 * per connection manager.
 */
import type { Counter, Gauge, StatsScope } from '../../stats/stats.ts';

export class HcmStats {
  readonly downstreamCxTotal: Counter;
  readonly downstreamCxActive: Gauge;
  readonly downstreamCxHttp1Total: Counter;
  readonly downstreamCxHttp2Total: Counter;
  readonly downstreamCxProtocolError: Counter;
  readonly downstreamCxIdleTimeout: Counter;
  readonly downstreamCxMaxDurationReached: Counter;
  readonly downstreamCxMaxRequestsReached: Counter;
  readonly downstreamRqHeaderTimeout: Counter;
  readonly downstreamRqTotal: Counter;
  readonly downstreamRqActive: Gauge;
  readonly downstreamRqHttp1Total: Counter;
  readonly downstreamRqHttp2Total: Counter;
  readonly downstreamRqCompleted: Counter;
  readonly downstreamRqRxReset: Counter;
  readonly downstreamRqTxReset: Counter;
  readonly downstreamRqTimeout: Counter;
  readonly downstreamRqIdleTimeout: Counter;
  readonly downstreamRqWsOnNonWsRoute: Counter;
  readonly downstreamRqUpgradesTotal: Counter;
  readonly noRoute: Counter;
  readonly noCluster: Counter;
  readonly rqDirectResponse: Counter;
  readonly rqRedirect: Counter;
  readonly rqRetrySkippedRequestNotComplete: Counter;
  readonly downstreamRqMaxDurationReached: Counter;
  /** downstream_rq_1xx .. downstream_rq_5xx, indexed by class. */
  readonly downstreamRqClass: Counter[];

  constructor(scope: StatsScope) {
    this.downstreamCxTotal = scope.counter('downstream_cx_total');
    this.downstreamCxActive = scope.gauge('downstream_cx_active');
    this.downstreamCxHttp1Total = scope.counter('downstream_cx_http1_total');
    this.downstreamCxHttp2Total = scope.counter('downstream_cx_http2_total');
    this.downstreamCxProtocolError = scope.counter('downstream_cx_protocol_error');
    this.downstreamCxIdleTimeout = scope.counter('downstream_cx_idle_timeout');
    this.downstreamCxMaxDurationReached = scope.counter('downstream_cx_max_duration_reached');
    this.downstreamCxMaxRequestsReached = scope.counter('downstream_cx_max_requests_reached');
    this.downstreamRqHeaderTimeout = scope.counter('downstream_rq_header_timeout');
    this.downstreamRqTotal = scope.counter('downstream_rq_total');
    this.downstreamRqActive = scope.gauge('downstream_rq_active');
    this.downstreamRqHttp1Total = scope.counter('downstream_rq_http1_total');
    this.downstreamRqHttp2Total = scope.counter('downstream_rq_http2_total');
    this.downstreamRqCompleted = scope.counter('downstream_rq_completed');
    this.downstreamRqRxReset = scope.counter('downstream_rq_rx_reset');
    this.downstreamRqTxReset = scope.counter('downstream_rq_tx_reset');
    this.downstreamRqTimeout = scope.counter('downstream_rq_timeout');
    this.downstreamRqIdleTimeout = scope.counter('downstream_rq_idle_timeout');
    this.downstreamRqWsOnNonWsRoute = scope.counter('downstream_rq_ws_on_non_ws_route');
    this.downstreamRqUpgradesTotal = scope.counter('downstream_rq_upgrades_total');
    this.noRoute = scope.counter('no_route');
    this.noCluster = scope.counter('no_cluster');
    this.rqDirectResponse = scope.counter('rq_direct_response');
    this.rqRedirect = scope.counter('rq_redirect');
    this.rqRetrySkippedRequestNotComplete = scope.counter('rq_retry_skipped_request_not_complete');
    this.downstreamRqMaxDurationReached = scope.counter('downstream_rq_max_duration_reached');
    this.downstreamRqClass = [0, 1, 2, 3, 4, 5].map((c) => scope.counter(`downstream_rq_${c}xx`));
  }

  countResponse(status: number): void {
    const cls = (status / 100) | 0;
    if (cls >= 1 && cls <= 5) this.downstreamRqClass[cls]!.inc();
  }
}
