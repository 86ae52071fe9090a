/**
 * A cluster's circuit breakers for one routing priority (Envoy's ResourceManager): counts of open
 * connections, pending requests, active requests and active retries, and whether one more of each
 * fits under its threshold. Plain numbers, bumped by the router and the pools; the `remaining_*` and
 * `*_open` gauges are refreshed only when `track_remaining` asks for them.
 */
import type { CircuitBreakerThresholds } from '@tandem/api/envoy';
import type { Gauge, StatsScope } from '../stats/stats.ts';

export const DEFAULT_THRESHOLDS: CircuitBreakerThresholds = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
  retryBudget: undefined,
  trackRemaining: false,
};

interface BreakerGauges {
  cxOpen: Gauge;
  rqPendingOpen: Gauge;
  rqOpen: Gauge;
  rqRetryOpen: Gauge;
  remainingCx: Gauge;
  remainingPending: Gauge;
  remainingRq: Gauge;
  remainingRetries: Gauge;
}

export class ResourceManager {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
  /** Retry budget: share of active plus pending requests (0..1), and the floor; undefined: max_retries. */
  private readonly budgetFraction: number | undefined;
  private readonly minRetryConcurrency: number;
  connections = 0;
  pendingRequests = 0;
  requests = 0;
  retries = 0;
  private readonly gauges: BreakerGauges | undefined;

  constructor(t: CircuitBreakerThresholds, scope: StatsScope) {
    this.maxConnections = t.maxConnections;
    this.maxPendingRequests = t.maxPendingRequests;
    this.maxRequests = t.maxRequests;
    this.maxRetries = t.maxRetries;
    this.budgetFraction = t.retryBudget === undefined ? undefined : t.retryBudget.budgetPercent / 100;
    this.minRetryConcurrency = t.retryBudget?.minRetryConcurrency ?? 0;
    this.gauges = t.trackRemaining
      ? {
          cxOpen: scope.gauge('cx_open'),
          rqPendingOpen: scope.gauge('rq_pending_open'),
          rqOpen: scope.gauge('rq_open'),
          rqRetryOpen: scope.gauge('rq_retry_open'),
          remainingCx: scope.gauge('remaining_cx'),
          remainingPending: scope.gauge('remaining_pending'),
          remainingRq: scope.gauge('remaining_rq'),
          remainingRetries: scope.gauge('remaining_retries'),
        }
      : undefined;
    this.publish();
  }

  canCreateConnection(): boolean {
    return this.connections < this.maxConnections;
  }

  canQueuePending(): boolean {
    return this.pendingRequests < this.maxPendingRequests;
  }

  canSendRequest(): boolean {
    return this.requests < this.maxRequests;
  }

  /** Whether one more retry may start now (max_retries, or the retry budget when set). */
  canRetry(): boolean {
    const fraction = this.budgetFraction;
    if (fraction === undefined) return this.retries < this.maxRetries;
    const budget = Math.max(this.minRetryConcurrency, fraction * (this.requests + this.pendingRequests));
    return this.retries < budget;
  }

  adjustConnections(delta: number): void {
    this.connections += delta;
    const g = this.gauges;
    if (g === undefined) return;
    g.cxOpen.value = this.connections >= this.maxConnections ? 1 : 0;
    g.remainingCx.value = Math.max(0, this.maxConnections - this.connections);
  }

  adjustPending(delta: number): void {
    this.pendingRequests += delta;
    const g = this.gauges;
    if (g === undefined) return;
    g.rqPendingOpen.value = this.pendingRequests >= this.maxPendingRequests ? 1 : 0;
    g.remainingPending.value = Math.max(0, this.maxPendingRequests - this.pendingRequests);
  }

  adjustRequests(delta: number): void {
    this.requests += delta;
    const g = this.gauges;
    if (g === undefined) return;
    g.rqOpen.value = this.requests >= this.maxRequests ? 1 : 0;
    g.remainingRq.value = Math.max(0, this.maxRequests - this.requests);
  }

  adjustRetries(delta: number): void {
    this.retries += delta;
    const g = this.gauges;
    if (g === undefined) return;
    g.rqRetryOpen.value = this.canRetry() ? 0 : 1;
    g.remainingRetries.value = Math.max(0, this.maxRetries - this.retries);
  }

  private publish(): void {
    this.adjustConnections(0);
    this.adjustPending(0);
    this.adjustRequests(0);
    this.adjustRetries(0);
  }
}

/** The two priorities' managers of a cluster: index 0 DEFAULT, 1 HIGH. */
export function buildResourceManagers(
  breakers: { default: CircuitBreakerThresholds; high: CircuitBreakerThresholds } | undefined,
  scope: StatsScope,
): readonly [ResourceManager, ResourceManager] {
  return [
    new ResourceManager(breakers?.default ?? DEFAULT_THRESHOLDS, scope.scope('circuit_breakers.default.')),
    new ResourceManager(breakers?.high ?? DEFAULT_THRESHOLDS, scope.scope('circuit_breakers.high.')),
  ];
}
