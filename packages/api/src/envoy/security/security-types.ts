/** Validated config of the security filters: RBAC (HTTP and network) and JWT authentication. */
import type { CidrRange, HeaderMatcher, StringMatcher } from '../types.ts';

/** Matches a value found in a request's dynamic metadata (what the JWT filter wrote). */
export type ValueMatcher =
  | { readonly kind: 'string'; readonly matcher: StringMatcher }
  | { readonly kind: 'present' }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** A list value matches when one of its elements does. */
  | { readonly kind: 'list'; readonly oneOf: ValueMatcher };

export interface MetadataMatcher {
  /** The filter namespace, e.g. `istio_authn`. */
  readonly filter: string;
  readonly path: readonly string[];
  readonly value: ValueMatcher;
  readonly invert: boolean;
}

export type RbacPermission =
  | { readonly kind: 'any' }
  | { readonly kind: 'and' | 'or'; readonly rules: readonly RbacPermission[] }
  | { readonly kind: 'not'; readonly rule: RbacPermission }
  | { readonly kind: 'header'; readonly header: HeaderMatcher }
  | { readonly kind: 'urlPath'; readonly path: StringMatcher }
  | { readonly kind: 'destinationPort'; readonly port: number }
  | { readonly kind: 'destinationIp'; readonly range: CidrRange }
  | { readonly kind: 'metadata'; readonly matcher: MetadataMatcher }
  | { readonly kind: 'requestedServerName'; readonly matcher: StringMatcher };

export type RbacPrincipal =
  | { readonly kind: 'any' }
  | { readonly kind: 'and' | 'or'; readonly ids: readonly RbacPrincipal[] }
  | { readonly kind: 'not'; readonly id: RbacPrincipal }
  /** The peer certificate's URI SAN (else DNS SAN, else subject); no matcher: any authenticated peer. */
  | { readonly kind: 'authenticated'; readonly principalName: StringMatcher | undefined }
  | { readonly kind: 'directRemoteIp' | 'remoteIp'; readonly range: CidrRange }
  | { readonly kind: 'header'; readonly header: HeaderMatcher }
  | { readonly kind: 'urlPath'; readonly path: StringMatcher }
  | { readonly kind: 'metadata'; readonly matcher: MetadataMatcher };

export interface RbacPolicy {
  readonly name: string;
  readonly permissions: readonly RbacPermission[];
  readonly principals: readonly RbacPrincipal[];
}

export interface RbacRules {
  readonly action: 'ALLOW' | 'DENY' | 'LOG';
  /** In name order (Envoy's policies are a map). */
  readonly policies: readonly RbacPolicy[];
}

/** envoy.extensions.filters.{http,network}.rbac.v3.RBAC. */
export interface RbacConfig {
  readonly kind: 'rbac';
  /** undefined: every request is allowed. */
  readonly rules: RbacRules | undefined;
  readonly statPrefix: string;
}

export interface JwtProvider {
  readonly name: string;
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** The JWKS document (JSON); Tandem's control plane fetches `jwksUri`s and inlines them. */
  readonly jwks: string;
  readonly fromHeaders: readonly { readonly name: string; readonly valuePrefix: string }[];
  readonly fromParams: readonly string[];
  /** Keep the token in the request sent upstream. */
  readonly forward: boolean;
  readonly claimToHeaders: readonly { readonly headerName: string; readonly claimName: string }[];
  /** Where the verified payload goes in the request's dynamic metadata (`envoy.filters.http.jwt_authn`). */
  readonly payloadInMetadata: string;
  readonly clockSkewSeconds: number;
}

/** What a rule requires: one provider's token, any of several, or (with allowMissing) nothing. */
export type JwtRequirement =
  | { readonly kind: 'provider'; readonly name: string }
  | { readonly kind: 'any'; readonly requirements: readonly JwtRequirement[] }
  | { readonly kind: 'allowMissing' }
  | { readonly kind: 'allowMissingOrFailed' };

export interface JwtRule {
  /** Path prefix the rule applies to. */
  readonly prefix: string;
  readonly requires: JwtRequirement;
}

/** envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication. */
export interface JwtAuthnConfig {
  readonly kind: 'jwt_authn';
  readonly providers: readonly JwtProvider[];
  readonly rules: readonly JwtRule[];
}
