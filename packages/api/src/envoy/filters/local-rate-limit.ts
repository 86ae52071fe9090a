/**
 * envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit: token buckets in the proxy, one
 * for the filter (or route) and one per configured descriptor; requests over the limit get 429 (or
 * the configured status). The same message is the per-route config. Both `filter_enabled` and
 * `filter_enforced` default to 0%, as in Envoy.
 */

import { runtimeFractionalPercent } from '../core/fractional-percent.ts';
import { headerValueOption } from '../core/header-value-option.ts';
import { httpStatus } from '../core/http-status.ts';
import { type TokenBucket, tokenBucket } from '../core/token-bucket.ts';
import { listOf } from '../schema/collections.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { HeaderValueOption, PerMillion } from '../types.ts';

export const LOCAL_RATE_LIMIT_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';
export const LOCAL_RATE_LIMIT_NAME = 'envoy.filters.http.local_ratelimit';

export interface LocalRateLimitDescriptor {
  readonly entries: { key: string; value: string }[];
  readonly tokenBucket: TokenBucket;
}

export interface LocalRateLimitConfig {
  readonly kind: 'localRateLimit';
  readonly statPrefix: string;
  readonly status: number;
  readonly tokenBucket: TokenBucket | undefined;
  readonly filterEnabled: PerMillion;
  readonly filterEnforced: PerMillion;
  readonly requestHeadersToAddWhenNotEnforced: HeaderValueOption[];
  readonly responseHeadersToAdd: HeaderValueOption[];
  readonly descriptors: LocalRateLimitDescriptor[];
  readonly stage: number;
  /** `x-ratelimit-limit`, `-remaining` and `-reset` on responses (DRAFT_VERSION_03). */
  readonly xRateLimitHeaders: boolean;
  readonly vhRateLimits: 'OVERRIDE' | 'INCLUDE' | 'IGNORE';
  readonly alwaysConsumeDefaultTokenBucket: boolean;
}

const entry = message({
  name: 'envoy.extensions.common.ratelimit.v3.RateLimitDescriptor.Entry',
  fields: { key: required(nonEmptyStr), value: required(nonEmptyStr) },
  build: (v) => ({ key: v.key, value: v.value }),
});

const descriptor = message({
  name: 'envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor',
  fields: {
    entries: required(listOf(entry, { minItems: 1 })),
    token_bucket: required(tokenBucket),
  },
  build: (v): LocalRateLimitDescriptor => ({ entries: v.entries, tokenBucket: v.token_bucket }),
});

export const localRateLimitSchema = message({
  name: 'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  fields: {
    stat_prefix: required(nonEmptyStr),
    status: optional(httpStatus, { defaultText: '429' }),
    token_bucket: optional(tokenBucket, { note: 'unset: only descriptors limit' }),
    filter_enabled: optional(runtimeFractionalPercent, { defaultText: '0%' }),
    filter_enforced: optional(runtimeFractionalPercent, { defaultText: '0%' }),
    request_headers_to_add_when_not_enforced: repeated(headerValueOption),
    response_headers_to_add: repeated(headerValueOption),
    descriptors: repeated(descriptor),
    stage: withDefault(uint32({ max: 10 }), 0),
    local_rate_limit_per_downstream_connection: withDefault(bool, false, {
      note: 'must be false: buckets are per proxy',
    }),
    local_cluster_rate_limit: unsupported(),
    enable_x_ratelimit_headers: withDefault(
      enumOf('XRateLimitHeadersRFCVersion', { OFF: 0, DRAFT_VERSION_03: 1 }),
      'OFF',
    ),
    vh_rate_limits: withDefault(
      enumOf('VhRateLimitsOptions', { OVERRIDE: 0, INCLUDE: 1, IGNORE: 2 }),
      'OVERRIDE',
    ),
    always_consume_default_token_bucket: withDefault(boolValue, true),
    rate_limited_as_resource_exhausted: unsupported(),
  },
  build: (v, ctx): LocalRateLimitConfig | undefined => {
    if (v.local_rate_limit_per_downstream_connection) {
      ctx
        .field('local_rate_limit_per_downstream_connection')
        .error('TANDEM_ERR_CONFIG_UNSUPPORTED', 'per-connection buckets are not supported by Tandem');
      return undefined;
    }
    return {
      kind: 'localRateLimit',
      statPrefix: v.stat_prefix,
      status: v.status ?? 429,
      tokenBucket: v.token_bucket,
      filterEnabled: v.filter_enabled ?? 0,
      filterEnforced: v.filter_enforced ?? 0,
      requestHeadersToAddWhenNotEnforced: v.request_headers_to_add_when_not_enforced,
      responseHeadersToAdd: v.response_headers_to_add,
      descriptors: v.descriptors,
      stage: v.stage,
      xRateLimitHeaders: v.enable_x_ratelimit_headers === 'DRAFT_VERSION_03',
      vhRateLimits: v.vh_rate_limits,
      alwaysConsumeDefaultTokenBucket: v.always_consume_default_token_bucket,
    };
  },
});
