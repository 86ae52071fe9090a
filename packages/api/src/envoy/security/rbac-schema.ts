/**
 * envoy.config.rbac.v3: policies of permissions (what is asked) and principals (who asks), as the RBAC HTTP
 * and network filters take them. Recursive rules (`and_rules`, `not_rule`, ...) are supported; matchers on
 * things Tandem does not track (SSL subject field matchers, filter state, URI templates) are not.
 */
import { cidrRange } from '../core/address.ts';
import { stringMatcher } from '../core/string-matcher.ts';
import { headerMatcher } from '../route/header-matcher.ts';
import { listOf, mapOf } from '../schema/collections.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { type MessageSchema, message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';
import { lazy } from './lazy-schema.ts';
import { metadataMatcher } from './metadata-matcher.ts';
import type { RbacPermission, RbacPrincipal, RbacRules } from './security-types.ts';

const rule = { oneof: 'rule' };
const identifier = { oneof: 'identifier' };

const permissionRef: Schema<RbacPermission> = lazy<RbacPermission>('Permission', () => permission);
const principalRef: Schema<RbacPrincipal> = lazy<RbacPrincipal>('Principal', () => principal);

const permissionSet = message({
  name: 'envoy.config.rbac.v3.Permission.Set',
  fields: { rules: required(listOf(permissionRef, { minItems: 1 })) },
  build: (v) => v.rules,
});

const principalSet = message({
  name: 'envoy.config.rbac.v3.Principal.Set',
  fields: { ids: required(listOf(principalRef, { minItems: 1 })) },
  build: (v) => v.ids,
});

const pathMatcher = message({
  name: 'envoy.type.matcher.v3.PathMatcher',
  fields: { path: optional(stringMatcher, { oneof: 'rule' }) },
  oneofs: { rule: { required: true } },
  build: (v) => v.path,
});

export const permission: MessageSchema<RbacPermission> = message({
  name: 'envoy.config.rbac.v3.Permission',
  fields: {
    and_rules: optional(permissionSet, rule),
    or_rules: optional(permissionSet, rule),
    any: optional(bool, rule),
    header: optional(headerMatcher, rule),
    url_path: optional(pathMatcher, rule),
    destination_ip: optional(cidrRange, rule),
    destination_port: optional(uint32({ max: 65535 }), rule),
    destination_port_range: unsupported(undefined, rule),
    metadata: optional(metadataMatcher, rule),
    not_rule: optional(permissionRef, rule),
    requested_server_name: optional(stringMatcher, rule),
    matcher: unsupported(undefined, rule),
    uri_template: unsupported(undefined, rule),
    sourced_metadata: unsupported(undefined, rule),
  },
  oneofs: { rule: { required: true } },
  build: (v): RbacPermission | undefined => {
    if (v.and_rules !== undefined) return { kind: 'and', rules: v.and_rules };
    if (v.or_rules !== undefined) return { kind: 'or', rules: v.or_rules };
    if (v.any === true) return { kind: 'any' };
    if (v.header !== undefined) return { kind: 'header', header: v.header };
    if (v.url_path !== undefined) return { kind: 'urlPath', path: v.url_path };
    if (v.destination_ip !== undefined) return { kind: 'destinationIp', range: v.destination_ip };
    if (v.destination_port !== undefined) return { kind: 'destinationPort', port: v.destination_port };
    if (v.metadata !== undefined) return { kind: 'metadata', matcher: v.metadata };
    if (v.not_rule !== undefined) return { kind: 'not', rule: v.not_rule };
    if (v.requested_server_name !== undefined)
      return { kind: 'requestedServerName', matcher: v.requested_server_name };
    return { kind: 'not', rule: { kind: 'any' } };
  },
});

const authenticated = message({
  name: 'envoy.config.rbac.v3.Principal.Authenticated',
  fields: { principal_name: optional(stringMatcher) },
  build: (v) => ({ principalName: v.principal_name }),
});

export const principal: MessageSchema<RbacPrincipal> = message({
  name: 'envoy.config.rbac.v3.Principal',
  fields: {
    and_ids: optional(principalSet, identifier),
    or_ids: optional(principalSet, identifier),
    any: optional(bool, identifier),
    authenticated: optional(authenticated, identifier),
    source_ip: optional(cidrRange, { ...identifier, deprecated: true, note: 'same as direct_remote_ip' }),
    direct_remote_ip: optional(cidrRange, identifier),
    remote_ip: optional(cidrRange, identifier),
    header: optional(headerMatcher, identifier),
    url_path: optional(pathMatcher, identifier),
    metadata: optional(metadataMatcher, identifier),
    not_id: optional(principalRef, identifier),
    filter_state: unsupported(undefined, identifier),
    custom: unsupported(undefined, identifier),
    sourced_metadata: unsupported(undefined, identifier),
  },
  oneofs: { identifier: { required: true } },
  build: (v): RbacPrincipal | undefined => {
    if (v.and_ids !== undefined) return { kind: 'and', ids: v.and_ids };
    if (v.or_ids !== undefined) return { kind: 'or', ids: v.or_ids };
    if (v.any === true) return { kind: 'any' };
    if (v.authenticated !== undefined)
      return { kind: 'authenticated', principalName: v.authenticated.principalName };
    const direct = v.direct_remote_ip ?? v.source_ip;
    if (direct !== undefined) return { kind: 'directRemoteIp', range: direct };
    if (v.remote_ip !== undefined) return { kind: 'remoteIp', range: v.remote_ip };
    if (v.header !== undefined) return { kind: 'header', header: v.header };
    if (v.url_path !== undefined) return { kind: 'urlPath', path: v.url_path };
    if (v.metadata !== undefined) return { kind: 'metadata', matcher: v.metadata };
    if (v.not_id !== undefined) return { kind: 'not', id: v.not_id };
    return { kind: 'not', id: { kind: 'any' } };
  },
});

const policy = message({
  name: 'envoy.config.rbac.v3.Policy',
  fields: {
    permissions: repeated(permission),
    principals: repeated(principal),
    condition: unsupported('CEL conditions are not available'),
    checked_condition: unsupported('CEL conditions are not available'),
  },
  build: (v) => ({ permissions: v.permissions, principals: v.principals }),
});

/** envoy.config.rbac.v3.RBAC. */
export const rbacRules = message({
  name: 'envoy.config.rbac.v3.RBAC',
  fields: {
    action: withDefault(enumOf('Action', { ALLOW: 0, DENY: 1, LOG: 2 }), 'ALLOW'),
    policies: withDefault(mapOf(policy), {}),
    audit_logging_options: unsupported(),
  },
  build: (v): RbacRules => ({
    action: v.action,
    policies: Object.keys(v.policies)
      .sort()
      .map((name) => ({ name, ...v.policies[name]! })),
  }),
});
