/**
 * envoy.config.route.v3.RetryPolicy (on a route or a virtual host): which failures are retried, how
 * often, with what per-try timeout and back-off, and which hosts a retry may go to.
 */
import { ConfigIssueCode } from '../issue-codes.ts';
import { anyOf, TypeRegistry } from '../schema/any.ts';
import { duration } from '../schema/duration.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { int64, uint32 } from '../schema/numbers.ts';
import { nonEmptyStr, str } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { RetryPolicy } from '../types.ts';
import { headerMatcher } from './header-matcher.ts';

/** Envoy's default back-off when `retry_back_off` is unset. */
export const DEFAULT_BACK_OFF = { baseIntervalMs: 25, maxIntervalMs: 250 };

/** The `retry_on` conditions Envoy's router defines (HTTP and gRPC). */
export const RETRY_ON_CONDITIONS: readonly string[] = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];

const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';
const PREVIOUS_HOSTS_TYPE =
  'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';

/** `retry_on`: a comma-separated list of known conditions (blank entries are skipped, as Envoy does). */
const retryOn: Schema<string[]> = {
  typeName: 'string',
  detail: 'comma-separated retry conditions',
  parse(raw, ctx) {
    const text = str.parse(raw, ctx);
    if (text === undefined) return undefined;
    const out: string[] = [];
    for (const part of text.split(',')) {
      const c = part.trim();
      if (c === '') continue;
      if (!RETRY_ON_CONDITIONS.includes(c)) {
        ctx.error(ConfigIssueCode.invalid, `unknown retry condition ${JSON.stringify(c)}`);
        return undefined;
      }
      if (!out.includes(c)) out.push(c);
    }
    return out;
  },
};

const retryBackOff = message({
  name: 'envoy.config.route.v3.RetryPolicy.RetryBackOff',
  fields: {
    base_interval: required(duration({ positive: true })),
    max_interval: optional(duration({ positive: true }), { defaultText: '10 times base_interval' }),
  },
  build: (v, ctx) => {
    const base = Math.max(1, v.base_interval);
    const max = v.max_interval ?? base * 10;
    if (max < base) {
      ctx.field('max_interval').error(ConfigIssueCode.invalid, 'must be at least base_interval');
      return undefined;
    }
    return { baseIntervalMs: base, maxIntervalMs: max };
  },
});

const hostPredicateConfig = { oneof: 'config_type' };

/** Retry host predicates by type URL (only `previous_hosts`). */
export const retryHostPredicates = new TypeRegistry<true>('retry host predicate');
retryHostPredicates.register(
  PREVIOUS_HOSTS_TYPE,
  emptyMessage('envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate'),
  { names: [PREVIOUS_HOSTS] },
);

/** Only `previous_hosts` (the predicate Istio sets) is available. */
const retryHostPredicate = message({
  name: 'envoy.config.route.v3.RetryPolicy.RetryHostPredicate',
  fields: {
    name: required(nonEmptyStr, { note: `only ${PREVIOUS_HOSTS}` }),
    typed_config: optional(anyOf(retryHostPredicates), hostPredicateConfig),
  },
  build: (v, ctx) => {
    if (v.typed_config !== undefined || v.name === PREVIOUS_HOSTS) return true;
    ctx.error(
      ConfigIssueCode.unsupported,
      `retry host predicate ${JSON.stringify(v.name)} is not supported by Tandem; supported: ${PREVIOUS_HOSTS}`,
    );
    return undefined;
  },
});

export const retryPolicy: Schema<RetryPolicy> = message({
  name: 'envoy.config.route.v3.RetryPolicy',
  fields: {
    retry_on: withDefault(retryOn, [], { note: 'comma-separated: 5xx, gateway-error, reset, ...' }),
    num_retries: withDefault(wrapper('UInt32Value', uint32()), 1),
    per_try_timeout: withDefault(duration(), 0, { note: '0s: none' }),
    per_try_idle_timeout: unsupported('use per_try_timeout'),
    retry_priority: unsupported('retry priorities are not available'),
    retry_host_predicate: repeated(retryHostPredicate),
    retry_options_predicates: unsupported(),
    host_selection_retry_max_attempts: withDefault(int64({ min: 0 }), 1),
    retriable_status_codes: repeated(uint32({ min: 100, max: 599 })),
    retry_back_off: optional(retryBackOff, { defaultText: '25ms base, 250ms max' }),
    rate_limited_retry_back_off: unsupported(),
    retriable_headers: repeated(headerMatcher),
    retriable_request_headers: repeated(headerMatcher),
  },
  build: (v): RetryPolicy => ({
    retryOn: v.retry_on,
    numRetries: v.num_retries,
    perTryTimeoutMs: v.per_try_timeout,
    retriableStatusCodes: v.retriable_status_codes,
    retriableHeaders: v.retriable_headers,
    retriableRequestHeaders: v.retriable_request_headers,
    backOff: v.retry_back_off ?? DEFAULT_BACK_OFF,
    previousHostsPredicate: v.retry_host_predicate.length > 0,
    hostSelectionRetryMaxAttempts: Math.max(1, v.host_selection_retry_max_attempts),
  }),
});
