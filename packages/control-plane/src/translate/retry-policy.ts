/**
 * Istio HTTPRetry -> Envoy RetryPolicy, with Istio's mesh default when a route says nothing:
 * 2 attempts on connect failures, refused streams, gRPC unavailable/cancelled and 503, to hosts not
 * tried yet (previous_hosts, up to 5 host selections). `attempts: 0` turns retries off. HTTP status
 * codes in `retryOn` become `retriable_status_codes`.
 */
import type { HttpRetry } from '@tandem/api/istio';
import { duration, type Json } from './xds-resources.ts';

export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
const DEFAULT_ATTEMPTS = 2;
const PREVIOUS_HOSTS = {
  name: 'envoy.retry_host_predicates.previous_hosts',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  },
};

/** The retry policy for a sidecar route, or undefined when retries are off. */
export function sidecarRetryPolicy(retries: HttpRetry | undefined): Json | undefined {
  if (retries?.attempts === 0) return undefined;
  const { on, codes } = splitRetryOn(retries?.retryOn || DEFAULT_RETRY_ON);
  if (retries === undefined || retries.retryOn === '') codes.push(503);
  const policy: Json = {
    retry_on: on.join(','),
    num_retries: retries?.attempts ?? DEFAULT_ATTEMPTS,
  };
  if (retries?.perTryTimeoutMs !== undefined) policy['per_try_timeout'] = duration(retries.perTryTimeoutMs);
  if (retries?.retryIgnorePreviousHosts !== false) {
    policy['retry_host_predicate'] = [PREVIOUS_HOSTS];
    policy['host_selection_retry_max_attempts'] = 5;
  }
  if (codes.length > 0) policy['retriable_status_codes'] = codes;
  if (retries?.backoffMs !== undefined)
    policy['retry_back_off'] = { base_interval: duration(retries.backoffMs) };
  return policy;
}

/** What proxyless gRPC reads of a retry policy (only when the route configures retries). */
export function grpcRetryPolicy(retries: HttpRetry | undefined): Json | undefined {
  if (retries === undefined || retries.attempts === 0) return undefined;
  const policy: Json = { retry_on: retries.retryOn || DEFAULT_RETRY_ON, num_retries: retries.attempts };
  if (retries.perTryTimeoutMs !== undefined) policy['per_try_timeout'] = duration(retries.perTryTimeoutMs);
  return policy;
}

/** `retryOn` entries: Envoy conditions stay, status codes move to a list (with their condition). */
function splitRetryOn(text: string): { on: string[]; codes: number[] } {
  const on: string[] = [];
  const codes: number[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    if (/^\d{3}$/.test(p)) codes.push(Number(p));
    else if (!on.includes(p)) on.push(p);
  }
  if (codes.length > 0 && !on.includes('retriable-status-codes')) on.push('retriable-status-codes');
  return { on, codes };
}
