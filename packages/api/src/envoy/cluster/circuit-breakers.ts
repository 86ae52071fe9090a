/**
 * envoy.config.cluster.v3.CircuitBreakers: per-priority limits on a cluster's connections, pending
 * requests, requests and retries. Unset thresholds take Envoy's defaults (1024, 1024, 1024, 3).
 */
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { double, uint32 } from '../schema/numbers.ts';
import { bool } from '../schema/scalars.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { CircuitBreakers, CircuitBreakerThresholds } from '../types.ts';

const limit = wrapper('UInt32Value', uint32());

export const DEFAULT_THRESHOLDS: CircuitBreakerThresholds = {
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
  retryBudget: undefined,
  trackRemaining: false,
};

export const DEFAULT_CIRCUIT_BREAKERS: CircuitBreakers = {
  default: DEFAULT_THRESHOLDS,
  high: DEFAULT_THRESHOLDS,
};

const percent = message({
  name: 'envoy.type.v3.Percent',
  title: 'RetryBudget.Percent',
  fields: { value: withDefault(double({ min: 0, max: 100 }), 0) },
  build: (v) => v.value,
});

const retryBudget = message({
  name: 'envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget',
  fields: {
    budget_percent: withDefault(percent, 20, { note: 'of active plus pending requests' }),
    min_retry_concurrency: withDefault(limit, 3),
  },
  build: (v) => ({ budgetPercent: v.budget_percent, minRetryConcurrency: v.min_retry_concurrency }),
});

const thresholds = message({
  name: 'envoy.config.cluster.v3.CircuitBreakers.Thresholds',
  fields: {
    priority: withDefault(enumOf('RoutingPriority', { DEFAULT: 0, HIGH: 1 }), 'DEFAULT'),
    max_connections: withDefault(limit, 1024),
    max_pending_requests: withDefault(limit, 1024),
    max_requests: withDefault(limit, 1024),
    max_retries: withDefault(limit, 3, { note: 'ignored when retry_budget is set' }),
    retry_budget: optional(retryBudget),
    track_remaining: withDefault(bool, false),
    max_connection_pools: unsupported('connection pools are not limited'),
  },
  build: (v) => ({
    priority: v.priority,
    value: {
      maxConnections: v.max_connections,
      maxPendingRequests: v.max_pending_requests,
      maxRequests: v.max_requests,
      maxRetries: v.max_retries,
      retryBudget: v.retry_budget,
      trackRemaining: v.track_remaining,
    } satisfies CircuitBreakerThresholds,
  }),
});

export const circuitBreakers = message({
  name: 'envoy.config.cluster.v3.CircuitBreakers',
  fields: {
    thresholds: withDefault(listOf(thresholds), [], { note: 'at most one per priority' }),
    per_host_thresholds: unsupported('per-host limits are not available'),
  },
  build: (v, ctx): CircuitBreakers | undefined => {
    const out = { ...DEFAULT_CIRCUIT_BREAKERS };
    const seen = new Set<string>();
    for (const [i, t] of v.thresholds.entries()) {
      if (seen.has(t.priority)) {
        ctx
          .field('thresholds')
          .item(i)
          .error(ConfigIssueCode.duplicate, `thresholds for priority ${t.priority} are given twice`);
        return undefined;
      }
      seen.add(t.priority);
      if (t.priority === 'HIGH') out.high = t.value;
      else out.default = t.value;
    }
    return out;
  },
});
