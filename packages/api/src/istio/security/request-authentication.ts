/**
 * RequestAuthentication: the JWTs a workload accepts. Each rule names an issuer or a JWKS URI (http or https),
 * optionally inline JWKS (JSON with `keys`), where tokens are read from, and which claims go to headers.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { bool, str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { invalid, stringList, workloadSelector } from '../core/istio-fields.ts';
import { checkHeaderName } from '../networking/headers.ts';
import type { RequestAuthentication } from '../types.ts';
import { checkOneAttachment, policyTargetRef, policyTargetRefs } from './policy-target.ts';

const jwtHeader = message({
  name: 'istio.security.v1.JWTHeader',
  fields: { name: withDefault(str, ''), prefix: withDefault(str, '') },
  build: (v, ctx) => {
    if (v.name === '') invalid(ctx.field('name'), 'a token header needs a name');
    return v;
  },
});

const claimToHeader = message({
  name: 'istio.security.v1.ClaimToHeader',
  fields: { header: withDefault(str, ''), claim: withDefault(str, '') },
  build: (v, ctx) => {
    if (v.header === '' || v.claim === '') invalid(ctx, 'outputClaimToHeaders needs both header and claim');
    else {
      const reason = checkHeaderName(v.header);
      if (reason !== undefined) invalid(ctx.field('header'), reason);
    }
    return v;
  },
});

function checkJwksUri(uri: string, ctx: ValidationContext): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return invalid(ctx, `jwksUri "${uri}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    invalid(ctx, `jwksUri scheme "${url.protocol.slice(0, -1)}" is not supported; use http or https`);
}

function checkJwks(jwks: string, ctx: ValidationContext): void {
  try {
    const parsed = JSON.parse(jwks) as { keys?: unknown };
    if (!Array.isArray(parsed.keys)) invalid(ctx, 'jwks must be a JSON Web Key Set (an object with "keys")');
  } catch {
    invalid(ctx, 'jwks is not valid JSON');
  }
}

function checkNonEmpty(values: string[], what: string, ctx: ValidationContext): void {
  values.forEach((value, i) => {
    if (value === '') invalid(ctx.item(i), `${what} must not be empty`);
  });
}

const jwtRule = message({
  name: 'istio.security.v1.JWTRule',
  fields: {
    issuer: withDefault(str, ''),
    audiences: withDefault(stringList, []),
    jwksUri: withDefault(str, ''),
    jwks: withDefault(str, ''),
    fromHeaders: withDefault(listOf(jwtHeader), []),
    fromParams: withDefault(stringList, []),
    fromCookies: withDefault(stringList, []),
    outputPayloadToHeader: withDefault(str, ''),
    forwardOriginalToken: withDefault(bool, false),
    outputClaimToHeaders: withDefault(listOf(claimToHeader), []),
    spaceDelimitedClaims: withDefault(stringList, []),
    timeout: optional(istioDuration()),
    presence: optional(enumOf('Presence', { OPTIONAL: 0, REQUIRED: 1 })),
  },
  build: (v, ctx) => {
    if (v.issuer === '' && v.jwksUri === '') invalid(ctx, 'a JWT rule needs an issuer or a jwksUri');
    if (v.jwksUri !== '') checkJwksUri(v.jwksUri, ctx.field('jwksUri'));
    if (v.jwks !== '') checkJwks(v.jwks, ctx.field('jwks'));
    checkNonEmpty(v.audiences, 'an audience', ctx.field('audiences'));
    checkNonEmpty(v.fromParams, 'a query parameter name', ctx.field('fromParams'));
    checkNonEmpty(v.fromCookies, 'a cookie name', ctx.field('fromCookies'));
    return structuredClone(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)));
  },
});

export const requestAuthentication: Schema<RequestAuthentication> = message({
  name: 'istio.security.v1.RequestAuthentication',
  fields: {
    selector: optional(workloadSelector),
    targetRef: optional(policyTargetRef),
    targetRefs: withDefault(policyTargetRefs, []),
    jwtRules: withDefault(listOf(jwtRule), []),
  },
  build: (v, ctx) => {
    checkOneAttachment(v, ctx);
    const targetRefs = v.targetRef === undefined ? v.targetRefs : [v.targetRef, ...v.targetRefs];
    return { selector: v.selector, targetRefs, jwtRules: v.jwtRules };
  },
});
