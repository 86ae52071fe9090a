/**
 * envoy.extensions.filters.http.cors.v3.Cors (the filter, no settings) and its per-route
 * CorsPolicy: which origins may make cross-origin requests, and the preflight answer.
 */
import { runtimeFractionalPercent } from '../core/fractional-percent.ts';
import { stringMatcher } from '../core/string-matcher.ts';
import { listOf } from '../schema/collections.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { optional, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { PerMillion, StringMatcher } from '../types.ts';

export const CORS_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors';
export const CORS_POLICY_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';
export const CORS_NAME = 'envoy.filters.http.cors';

export interface CorsPolicyConfig {
  readonly kind: 'corsPolicy';
  readonly allowOrigins: StringMatcher[];
  /** Comma-separated lists as given (sent back verbatim). */
  readonly allowMethods: string;
  readonly allowHeaders: string;
  readonly exposeHeaders: string;
  readonly maxAge: string;
  readonly allowCredentials: boolean | undefined;
  readonly filterEnabled: PerMillion;
  readonly shadowEnabled: PerMillion;
  readonly allowPrivateNetworkAccess: boolean | undefined;
  readonly forwardNotMatchingPreflights: boolean;
}

export const corsSchema = emptyMessage(
  'envoy.extensions.filters.http.cors.v3.Cors',
  'The policies are per route.',
);

export const corsPolicySchema = message({
  name: 'envoy.extensions.filters.http.cors.v3.CorsPolicy',
  fields: {
    allow_origin_string_match: withDefault(listOf(stringMatcher), []),
    allow_methods: withDefault(str, ''),
    allow_headers: withDefault(str, ''),
    expose_headers: withDefault(str, ''),
    max_age: withDefault(str, ''),
    allow_credentials: optional(boolValue),
    filter_enabled: optional(runtimeFractionalPercent, { defaultText: '100%' }),
    shadow_enabled: optional(runtimeFractionalPercent, { defaultText: '0%' }),
    allow_private_network_access: optional(boolValue),
    forward_not_matching_preflights: withDefault(boolValue, true),
  },
  build: (v): CorsPolicyConfig => ({
    kind: 'corsPolicy',
    allowOrigins: v.allow_origin_string_match,
    allowMethods: v.allow_methods,
    allowHeaders: v.allow_headers,
    exposeHeaders: v.expose_headers,
    maxAge: v.max_age,
    allowCredentials: v.allow_credentials,
    filterEnabled: v.filter_enabled ?? 1_000_000,
    shadowEnabled: v.shadow_enabled ?? 0,
    allowPrivateNetworkAccess: v.allow_private_network_access,
    forwardNotMatchingPreflights: v.forward_not_matching_preflights,
  }),
});
