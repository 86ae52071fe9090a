import { listOf } from '../schema/collections.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import type { VirtualHost } from '../types.ts';
import { domains } from './domains.ts';
import { buildHeaderMutations, headerMutationFields } from './header-mutations.ts';
import { rateLimit } from './rate-limit.ts';
import { requestMirrorPolicy } from './request-mirror-policy.ts';
import { retryPolicy } from './retry-policy.ts';
import { route } from './route.ts';
import { buildTypedPerFilterConfig, typedPerFilterConfigField } from './typed-per-filter-config.ts';

/** envoy.config.route.v3.VirtualHost. */
export const virtualHost = message({
  name: 'envoy.config.route.v3.VirtualHost',
  label: 'virtual host',
  fields: {
    name: required(nonEmptyStr),
    domains: required(domains),
    routes: repeated(route),
    matcher: unsupported('use routes'),
    require_tls: withDefault(enumOf('TlsRequirementType', { NONE: 0, EXTERNAL_ONLY: 1, ALL: 2 }), 'NONE'),
    virtual_clusters: ignored('virtual cluster statistics are not emitted'),
    rate_limits: repeated(rateLimit, { note: 'used by routes with include_vh_rate_limits' }),
    ...headerMutationFields,
    cors: unsupported(),
    typed_per_filter_config: typedPerFilterConfigField,
    include_request_attempt_count: withDefault(bool, false, { note: 'sends x-envoy-attempt-count upstream' }),
    include_attempt_count_in_response: withDefault(bool, false, {
      note: 'sends x-envoy-attempt-count downstream',
    }),
    retry_policy: optional(retryPolicy, { note: 'for routes without their own' }),
    retry_policy_typed_config: unsupported(),
    hedge_policy: unsupported('hedged requests are not available'),
    include_is_timeout_retry_header: unsupported(),
    per_request_buffer_limit_bytes: unsupported("the listener's per_connection_buffer_limit_bytes applies"),
    request_mirror_policies: optional(listOf(requestMirrorPolicy), { note: 'for routes without their own' }),
    metadata: ignored('virtual host metadata is not read by any supported filter'),
  },
  build: (v): VirtualHost => {
    const perFilter = buildTypedPerFilterConfig(v.typed_per_filter_config);
    return {
      name: v.name,
      domains: v.domains,
      routes: v.routes,
      headers: buildHeaderMutations(v),
      requireTls: v.require_tls,
      ...(v.retry_policy !== undefined ? { retryPolicy: v.retry_policy } : {}),
      ...(v.request_mirror_policies !== undefined
        ? { requestMirrorPolicies: v.request_mirror_policies }
        : {}),
      ...(perFilter !== undefined ? { typedPerFilterConfig: perFilter } : {}),
      ...(v.rate_limits.length > 0 ? { rateLimits: v.rate_limits } : {}),
      ...(v.include_request_attempt_count ? { includeRequestAttemptCount: true } : {}),
      ...(v.include_attempt_count_in_response ? { includeAttemptCountInResponse: true } : {}),
    };
  },
});
