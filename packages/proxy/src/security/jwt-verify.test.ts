import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseJwks } from './jwks.ts';
import { verifyJwt } from './jwt-verify.ts';

const JWT_DIR = path.resolve(import.meta.dirname, '../../../../../shared/testdata/istio/jwt');
const istioKeys = parseJwks(readFileSync(path.join(JWT_DIR, 'jwks.json'), 'utf8'));
const demo = readFileSync(path.join(JWT_DIR, 'demo.jwt'), 'utf8').trim();
const ISSUER = 'testing@secure.istio.io';
const now = Date.parse('2026-01-01T00:00:00Z');

function es256Token(payload: Record<string, unknown>): { token: string; jwks: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k1' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = sign('sha256', Buffer.from(`${header}.${body}`), {
    key: privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' };
  return { token: `${header}.${body}.${sig.toString('base64url')}`, jwks: JSON.stringify({ keys: [jwk] }) };
}

describe('verifyJwt', () => {
  it("accepts Istio's RS256 demo token with its JWKS and issuer", () => {
    const v = verifyJwt(demo, { keys: istioKeys, issuer: ISSUER, audiences: [], clockSkewSeconds: 60 }, now);
    assert.ok(v.ok);
    assert.equal(v.payload['sub'], ISSUER);
  });

  it('refuses a tampered payload, another issuer, and a token that is not a JWS', () => {
    const [h, p, s] = demo.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'admin' })).toString('base64url')}.${s}`;
    const check = { keys: istioKeys, issuer: ISSUER, audiences: [], clockSkewSeconds: 60 };
    assert.deepEqual(verifyJwt(forged, check, now), { ok: false, reason: 'Jwt verification fails' });
    assert.deepEqual(verifyJwt(demo, { ...check, issuer: 'other' }, now), {
      ok: false,
      reason: 'Jwt issuer is not configured',
    });
    assert.equal(verifyJwt(`${h}.${p}`, check, now).ok, false);
  });

  it('verifies ES256, audiences and expiry', () => {
    const { token, jwks } = es256Token({ iss: 'me', sub: 'u', aud: ['api'], exp: now / 1000 + 30 });
    const keys = parseJwks(jwks);
    const check = { keys, issuer: 'me', audiences: ['api'], clockSkewSeconds: 0 };
    assert.ok(verifyJwt(token, check, now).ok);
    assert.deepEqual(verifyJwt(token, { ...check, audiences: ['web'] }, now), {
      ok: false,
      reason: 'Audiences in Jwt are not allowed',
    });
    assert.deepEqual(verifyJwt(token, check, now + 60_000), { ok: false, reason: 'Jwt is expired' });
    assert.ok(verifyJwt(token, { ...check, clockSkewSeconds: 60 }, now + 60_000).ok);
  });
});
