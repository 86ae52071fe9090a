/**
 * A JSON Web Key Set turned into verification keys once, at config time: RSA keys (RS256/384/512) and EC
 * P-256/P-384 keys (ES256/ES384), by `kid`. Keys of other types are skipped.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

export interface VerificationKey {
  readonly kid: string | undefined;
  readonly kty: 'RSA' | 'EC';
  readonly key: KeyObject;
}

export function parseJwks(text: string): VerificationKey[] {
  const doc = JSON.parse(text) as { keys?: Record<string, unknown>[] };
  const out: VerificationKey[] = [];
  for (const jwk of doc.keys ?? []) {
    if (jwk['kty'] !== 'RSA' && jwk['kty'] !== 'EC') continue;
    try {
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      out.push({ kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined, kty: jwk['kty'], key });
    } catch {
      // A key that does not import cannot verify anything; the others still can.
    }
  }
  return out;
}
