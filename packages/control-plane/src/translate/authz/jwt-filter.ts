/**
 * RequestAuthentication -> the JWT authentication filter: one provider per JWT rule of every applicable
 * policy, keys inline (a `jwksUri` is fetched by the control plane and its keys inlined; until they are
 * known the provider has no keys, so its tokens are refused), and one rule for every path that accepts a
 * valid token of any provider or no token at all (Istio: a missing token is not an authentication error;
 * only authorization can require one).
 */
import type { RequestAuthentication } from '@tandem/api/istio';
import type { MeshSnapshot, PolicyEntry } from '../../model/mesh-snapshot.ts';
import type { Json } from '../xds-resources.ts';

const JWT_AUTHN = 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
const NO_KEYS = '{"keys":[]}';

interface JwtRuleSpec {
  issuer: string;
  audiences: string[];
  jwksUri: string;
  jwks: string;
  fromHeaders: { name: string; prefix: string }[];
  fromParams: string[];
  forwardOriginalToken: boolean;
  outputClaimToHeaders: { header: string; claim: string }[];
  fromCookies: string[];
  outputPayloadToHeader: string;
  spaceDelimitedClaims: string[];
  timeout?: unknown;
}

/** JWT rule fields the filter does not implement: reported, never dropped silently. */
function noteUnsupported(r: JwtRuleSpec, where: string, notes: string[]): void {
  const unsupported = [
    r.fromCookies.length > 0 ? 'fromCookies' : '',
    r.outputPayloadToHeader !== '' ? 'outputPayloadToHeader' : '',
    r.spaceDelimitedClaims.length > 0 ? 'spaceDelimitedClaims' : '',
    r.timeout !== undefined ? 'timeout' : '',
  ].filter((f) => f !== '');
  if (unsupported.length > 0)
    notes.push(`${where}: ${unsupported.join(', ')} not applied (not supported yet)`);
}

export function buildJwtFilter(
  snapshot: MeshSnapshot,
  policies: readonly PolicyEntry<RequestAuthentication>[],
  notes: string[],
): Json | undefined {
  const providers: Record<string, Json> = {};
  let i = 0;
  for (const p of policies) {
    for (const [n, raw] of p.spec.jwtRules.entries()) {
      const r = raw as unknown as JwtRuleSpec;
      noteUnsupported(r, `RequestAuthentication ${p.ref.namespace}/${p.ref.name} jwtRules[${n}]`, notes);
      const jwks = r.jwks || snapshot.security.jwks.get(r.jwksUri) || NO_KEYS;
      providers[`origins-${i++}`] = {
        issuer: r.issuer,
        audiences: r.audiences,
        local_jwks: { inline_string: jwks },
        from_headers: r.fromHeaders.map((h) => ({ name: h.name, value_prefix: h.prefix })),
        from_params: r.fromParams,
        forward: r.forwardOriginalToken,
        claim_to_headers: r.outputClaimToHeaders.map((c) => ({ header_name: c.header, claim_name: c.claim })),
        payload_in_metadata: r.issuer,
      };
    }
  }
  const names = Object.keys(providers);
  if (names.length === 0) return undefined;
  return {
    name: 'envoy.filters.http.jwt_authn',
    typed_config: {
      '@type': JWT_AUTHN,
      providers,
      rules: [
        {
          match: { prefix: '/' },
          requires: {
            requires_any: {
              requirements: [...names.map((n) => ({ provider_name: n })), { allow_missing: {} }],
            },
          },
        },
      ],
    },
  };
}
