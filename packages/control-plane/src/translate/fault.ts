/** Istio HTTPFaultInjection -> the Envoy fault filter's per-route config (HTTPFault). */
import type { HttpFaultInjection } from '@tandem/api/istio';
import { duration, type Json, TYPE } from './xds-resources.ts';

export const FAULT_FILTER = 'envoy.filters.http.fault';

/** gRPC status names Istio accepts in `abort.grpcStatus`, by code. */
const GRPC_CODES: Record<string, number> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

export function grpcStatusCode(name: string): number | undefined {
  return GRPC_CODES[name.toUpperCase()];
}

/** A percentage in [0, 100] as a FractionalPercent over a million (keeps Istio's 0.1 steps exact). */
export function fraction(percent: number): Json {
  return { numerator: Math.round(percent * 10000), denominator: 'MILLION' };
}

export function faultConfig(f: HttpFaultInjection): Json {
  const out: Json = { '@type': TYPE.fault };
  if (f.delay !== undefined)
    out['delay'] = { fixed_delay: duration(f.delay.fixedDelayMs), percentage: fraction(f.delay.percentage) };
  if (f.abort !== undefined) {
    const abort: Json = { percentage: fraction(f.abort.percentage) };
    if (f.abort.grpcStatus !== undefined) abort['grpc_status'] = grpcStatusCode(f.abort.grpcStatus) ?? 2;
    else abort['http_status'] = f.abort.httpStatus ?? 503;
    out['abort'] = abort;
  }
  return out;
}

/** The fault filter as it sits in an HCM's http_filters (empty config; routes carry the faults). */
export function faultFilter(): Json {
  return { name: FAULT_FILTER, typed_config: { '@type': TYPE.fault } };
}
