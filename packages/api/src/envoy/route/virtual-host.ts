import { enumOf } from '../schema/enum.ts';
import { ignored, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import type { VirtualHost } from '../types.ts';
import { domains } from './domains.ts';
import { buildHeaderMutations, headerMutationFields } from './header-mutations.ts';
import { route } from './route.ts';

const later = (what: string) => unsupported(`${what} arrive with traffic management`, { planned: true });

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
    rate_limits: later('rate limits'),
    ...headerMutationFields,
    cors: unsupported(),
    typed_per_filter_config: unsupported('per-filter overrides come with the filters that use them', {
      planned: true,
    }),
    include_request_attempt_count: unsupported(),
    include_attempt_count_in_response: unsupported(),
    retry_policy: later('retry policies'),
    retry_policy_typed_config: unsupported(),
    hedge_policy: later('hedge policies'),
    include_is_timeout_retry_header: unsupported(),
    per_request_buffer_limit_bytes: unsupported('request buffering for retries is not available'),
    request_mirror_policies: later('request mirroring policies'),
    metadata: ignored('virtual host metadata is not read by any supported filter'),
  },
  build: (v): VirtualHost => ({
    name: v.name,
    domains: v.domains,
    routes: v.routes,
    headers: buildHeaderMutations(v),
    requireTls: v.require_tls,
  }),
});
