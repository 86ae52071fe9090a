/** The RBAC HTTP filter and the RBAC network filter (TCP), with Envoy's type URLs. */
import { ignored, optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';
import { rbacRules } from './rbac-schema.ts';
import type { RbacConfig } from './security-types.ts';

export const HTTP_RBAC_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
export const NETWORK_RBAC_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC';

export const httpRbac = message({
  name: 'envoy.extensions.filters.http.rbac.v3.RBAC',
  title: 'RBAC (HTTP filter)',
  fields: {
    rules: optional(rbacRules, { note: 'unset: every request is allowed' }),
    rules_stat_prefix: withDefault(str, ''),
    matcher: unsupported('use rules'),
    shadow_rules: ignored('shadow rules are not evaluated'),
    shadow_matcher: unsupported(),
    shadow_rules_stat_prefix: ignored('shadow rules are not evaluated'),
    track_per_rule_stats: ignored('per-rule statistics are not emitted'),
  },
  build: (v): RbacConfig => ({ kind: 'rbac', rules: v.rules, statPrefix: v.rules_stat_prefix }),
});

export const networkRbac = message({
  name: 'envoy.extensions.filters.network.rbac.v3.RBAC',
  title: 'RBAC (network filter)',
  fields: {
    rules: optional(rbacRules, { note: 'unset: every connection is allowed' }),
    matcher: unsupported('use rules'),
    shadow_rules: ignored('shadow rules are not evaluated'),
    shadow_matcher: unsupported(),
    shadow_rules_stat_prefix: ignored('shadow rules are not evaluated'),
    stat_prefix: withDefault(str, ''),
    enforcement_type: withDefault(str, 'ONE_TIME_ON_FIRST_BYTE', { note: 'checked once per connection' }),
    delay_deny: unsupported(),
  },
  build: (v): RbacConfig => ({ kind: 'rbac', rules: v.rules, statPrefix: v.stat_prefix }),
});
