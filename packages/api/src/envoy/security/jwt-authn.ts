/**
 * envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication, the subset Istio's RequestAuthentication
 * translates to: providers with issuer, audiences, inline JWKS (Tandem's control plane fetches `jwksUri`
 * and inlines it, as istiod does by default), token locations (headers with a prefix, query parameters),
 * forwarding, claims to headers, payload in metadata; rules by path prefix requiring a provider, any of
 * several, or allowing a missing token.
 */
import { dataSource } from '../core/data-source.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf, mapOf } from '../schema/collections.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { type MessageSchema, message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';
import { lazy } from './lazy-schema.ts';
import type { JwtAuthnConfig, JwtProvider, JwtRequirement } from './security-types.ts';

export const JWT_AUTHN_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';

const jwtHeader = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.JwtHeader',
  fields: { name: required(nonEmptyStr), value_prefix: withDefault(str, '') },
  build: (v) => ({ name: v.name.toLowerCase(), valuePrefix: v.value_prefix }),
});

const claimToHeader = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.JwtClaimToHeader',
  fields: { header_name: required(nonEmptyStr), claim_name: required(nonEmptyStr) },
  build: (v) => ({ headerName: v.header_name.toLowerCase(), claimName: v.claim_name }),
});

const jwks = { oneof: 'jwks_source_specifier' };

const provider = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.JwtProvider',
  fields: {
    issuer: withDefault(str, ''),
    audiences: repeated(nonEmptyStr),
    subjects: unsupported(),
    require_expiration: ignored('exp is checked when present'),
    max_lifetime: unsupported(),
    remote_jwks: unsupported(
      'the control plane fetches jwksUri and sends the keys inline (local_jwks)',
      jwks,
    ),
    local_jwks: optional(dataSource, { ...jwks, note: 'a JWKS document' }),
    forward: withDefault(bool, false),
    from_headers: repeated(jwtHeader),
    from_params: repeated(nonEmptyStr),
    from_cookies: unsupported(),
    forward_payload_header: unsupported(),
    pad_forward_payload_header: unsupported(),
    payload_in_metadata: withDefault(str, ''),
    header_in_metadata: unsupported(),
    failed_status_in_metadata: unsupported(),
    normalize_payload_in_metadata: unsupported(),
    clock_skew_seconds: withDefault(uint32(), 60),
    jwt_cache_config: ignored('verified tokens are not cached'),
    claim_to_headers: repeated(claimToHeader),
    clear_route_cache: ignored('routes are matched after authentication'),
  },
  build: (v, ctx): Omit<JwtProvider, 'name'> | undefined => {
    const src = v.local_jwks;
    if (src === undefined || (src.kind !== 'inlineString' && src.kind !== 'inlineBytes')) {
      ctx
        .field('local_jwks')
        .error(ConfigIssueCode.required, 'local_jwks with an inline JWKS document is required');
      return undefined;
    }
    const text = src.kind === 'inlineString' ? src.value : Buffer.from(src.value).toString('utf8');
    try {
      const parsed = JSON.parse(text) as { keys?: unknown };
      if (!Array.isArray(parsed.keys)) throw new Error('no "keys" list');
    } catch (err) {
      ctx
        .field('local_jwks')
        .error(ConfigIssueCode.invalid, `not a JWKS document: ${(err as Error).message}`);
      return undefined;
    }
    return {
      issuer: v.issuer,
      audiences: v.audiences,
      jwks: text,
      fromHeaders:
        v.from_headers.length > 0 ? v.from_headers : [{ name: 'authorization', valuePrefix: 'Bearer ' }],
      fromParams: v.from_params.length > 0 || v.from_headers.length > 0 ? v.from_params : ['access_token'],
      forward: v.forward,
      claimToHeaders: v.claim_to_headers,
      payloadInMetadata: v.payload_in_metadata,
      clockSkewSeconds: v.clock_skew_seconds,
    };
  },
});

const requirementRef: Schema<JwtRequirement> = lazy<JwtRequirement>('JwtRequirement', () => requirement);
const requirementList = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.JwtRequirementOrList',
  fields: { requirements: required(listOf(requirementRef, { minItems: 2 })) },
  build: (v) => v.requirements,
});
const reqType = { oneof: 'requires_type' };

const requirement: MessageSchema<JwtRequirement> = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement',
  fields: {
    provider_name: optional(nonEmptyStr, reqType),
    provider_and_audiences: unsupported(undefined, reqType),
    requires_any: optional(requirementList, reqType),
    requires_all: unsupported(undefined, reqType),
    allow_missing_or_failed: optional(emptyMessage('google.protobuf.Empty'), reqType),
    allow_missing: optional(emptyMessage('google.protobuf.Empty'), reqType),
  },
  oneofs: { requires_type: { required: true } },
  build: (v): JwtRequirement | undefined => {
    if (v.provider_name !== undefined) return { kind: 'provider', name: v.provider_name };
    if (v.requires_any !== undefined) return { kind: 'any', requirements: v.requires_any };
    if (v.allow_missing_or_failed !== undefined) return { kind: 'allowMissingOrFailed' };
    return { kind: 'allowMissing' };
  },
});

const routeMatch = message({
  name: 'envoy.config.route.v3.RouteMatch',
  title: 'RouteMatch (JWT rule)',
  fields: {
    prefix: optional(str, { oneof: 'path_specifier', note: 'only prefix matches are supported here' }),
  },
  oneofs: { path_specifier: { required: true } },
  build: (v) => v.prefix ?? '/',
});

const rule = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.RequirementRule',
  fields: {
    match: required(routeMatch),
    requires: optional(requirement, { oneof: 'requirement_type' }),
    requirement_name: unsupported(undefined, { oneof: 'requirement_type' }),
  },
  build: (v) => ({ prefix: v.match, requires: v.requires ?? { kind: 'allowMissingOrFailed' as const } }),
});

export const jwtAuthentication = message({
  name: 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication',
  fields: {
    providers: withDefault(mapOf(provider), {}),
    rules: repeated(rule),
    filter_state_rules: unsupported(),
    bypass_cors_preflight: ignored('CORS preflight requests are checked like others'),
    requirement_map: unsupported(),
    strip_failure_response: unsupported(),
    stat_prefix: withDefault(str, ''),
  },
  build: (v, ctx): JwtAuthnConfig | undefined => {
    const providers = Object.keys(v.providers)
      .sort()
      .map((name) => ({ name, ...v.providers[name]! }));
    const known = new Set(providers.map((p) => p.name));
    const check = (r: JwtRequirement): boolean =>
      r.kind === 'provider' ? known.has(r.name) : r.kind === 'any' ? r.requirements.every(check) : true;
    for (const [i, r] of v.rules.entries()) {
      if (!check(r.requires)) {
        ctx.field('rules').item(i).error(ConfigIssueCode.reference, 'names a provider that is not defined');
        return undefined;
      }
    }
    return { kind: 'jwt_authn', providers, rules: v.rules };
  },
});
