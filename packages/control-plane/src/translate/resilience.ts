/**
 * DestinationRule `connectionPool` limits and `outlierDetection` -> cluster circuit breakers and
 * outlier detection, Istio's way: every cluster gets thresholds that do not limit (2^32 - 1, with
 * `track_remaining`) unless the rule sets a limit; outlier detection turns success-rate ejection off,
 * enforces the consecutive error counts the rule sets, and sets the panic threshold from
 * `minHealthPercent` (0 by default, which disables panic mode).
 */
import type { ConnectionPoolSettings, OutlierDetection } from '@tandem/api/istio';
import { duration, type Json } from './xds-resources.ts';

const UNLIMITED = 4294967295;

export function circuitBreakers(pool: ConnectionPoolSettings | undefined): Json {
  const t: Json = {
    max_connections: pool?.tcp?.maxConnections ?? UNLIMITED,
    max_pending_requests: pool?.http?.http1MaxPendingRequests ?? UNLIMITED,
    max_requests: pool?.http?.http2MaxRequests ?? UNLIMITED,
    max_retries: pool?.http?.maxRetries ?? UNLIMITED,
    track_remaining: true,
  };
  return { thresholds: [t] };
}

export function outlierDetection(o: OutlierDetection): Json {
  const out: Json = { enforcing_success_rate: 0 };
  if (o.consecutive5xxErrors !== undefined) {
    out['consecutive_5xx'] = o.consecutive5xxErrors;
    out['enforcing_consecutive_5xx'] = o.consecutive5xxErrors > 0 ? 100 : 0;
  }
  if (o.consecutiveGatewayErrors !== undefined) {
    out['consecutive_gateway_failure'] = o.consecutiveGatewayErrors;
    out['enforcing_consecutive_gateway_failure'] = o.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (o.consecutiveLocalOriginFailures !== undefined) {
    out['split_external_local_origin_errors'] = true;
    out['consecutive_local_origin_failure'] = o.consecutiveLocalOriginFailures;
    out['enforcing_consecutive_local_origin_failure'] = o.consecutiveLocalOriginFailures > 0 ? 100 : 0;
    out['enforcing_local_origin_success_rate'] = 0;
  }
  out['interval'] = duration(o.intervalMs);
  out['base_ejection_time'] = duration(o.baseEjectionTimeMs);
  out['max_ejection_percent'] = o.maxEjectionPercent;
  return out;
}

/** Istio disables panic mode under outlier detection unless `minHealthPercent` says otherwise. */
export function panicThreshold(o: OutlierDetection): Json {
  return { healthy_panic_threshold: { value: o.minHealthPercent } };
}
