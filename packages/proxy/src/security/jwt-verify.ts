/**
 * Verifies a compact JWS (a JWT) against a provider's keys: RS256/384/512 and ES256/384 signatures, the
 * issuer, the audiences (when the provider lists any, one must match), and `exp` / `nbf` with clock skew.
 * Returns the payload, or why the token is refused (as Envoy words it).
 */
import { verify } from 'node:crypto';
import type { VerificationKey } from './jwks.ts';

export type JwtVerdict =
  | { readonly ok: true; readonly payload: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

const HASH: Record<string, { hash: string; kty: 'RSA' | 'EC' }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  ES256: { hash: 'sha256', kty: 'EC' },
  ES384: { hash: 'sha384', kty: 'EC' },
};

export interface JwtCheck {
  readonly keys: readonly VerificationKey[];
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly clockSkewSeconds: number;
}

export function verifyJwt(token: string, check: JwtCheck, nowMs: number): JwtVerdict {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0)
    return fail('Jwt is not in the form of Header.Payload.Signature');
  let header: { alg?: string; kid?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
  } catch {
    return fail('Jwt header or payload is not valid JSON');
  }
  if (payload === null || typeof payload !== 'object') return fail('Jwt payload is not a JSON object');
  const alg = HASH[header.alg ?? ''];
  if (alg === undefined) return fail(`Jwt algorithm ${header.alg} is not supported`);
  const signed = Buffer.from(token.slice(0, second), 'latin1');
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  const candidates = check.keys.filter(
    (k) => k.kty === alg.kty && (header.kid === undefined || k.kid === undefined || k.kid === header.kid),
  );
  if (candidates.length === 0) return fail("Jwks doesn't have key to match kid or alg from Jwt");
  const good = candidates.some((k) =>
    verify(alg.hash, signed, alg.kty === 'EC' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key, signature),
  );
  if (!good) return fail('Jwt verification fails');
  if (check.issuer !== '' && payload['iss'] !== check.issuer) return fail('Jwt issuer is not configured');
  if (check.audiences.length > 0) {
    const aud = payload['aud'];
    const list = Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : [];
    if (!list.some((a) => check.audiences.includes(a as string)))
      return fail('Audiences in Jwt are not allowed');
  }
  const now = nowMs / 1000;
  const skew = check.clockSkewSeconds;
  if (typeof payload['exp'] === 'number' && now > payload['exp'] + skew) return fail('Jwt is expired');
  if (typeof payload['nbf'] === 'number' && now < payload['nbf'] - skew) return fail('Jwt not yet valid');
  return { ok: true, payload };
}

function fail(reason: string): JwtVerdict {
  return { ok: false, reason };
}
