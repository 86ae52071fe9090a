/**
 * The local-mode bootstrap credential: a token naming one workload identity, signed with a key only the
 * control plane (and whoever may start workloads on this machine) can read. `tandem run` / `up` mint one per
 * workload and hand it to its sidecar in a file; the CA accepts it for exactly that identity.
 *
 * Format: `tandem-local.v1.<base64url(JSON {ns, sa, exp})>.<base64url(HMAC-SHA256)>`; `exp` (seconds since
 * the epoch) is optional.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CallerAuthenticator, CallerCredential } from './caller-authenticator.ts';
import type { WorkloadIdentity } from './spiffe.ts';

const PREFIX = 'tandem-local.v1.';
export const LOCAL_TOKEN_KEY_FILE = 'bootstrap-token.key';

export class LocalTokenAuthenticator implements CallerAuthenticator {
  readonly name = 'local-token';
  private readonly key: Buffer;
  private readonly nowMs: () => number;

  constructor(key: Buffer, nowMs: () => number = Date.now) {
    this.key = key;
    this.nowMs = nowMs;
  }

  /** Reads the signing key from `dir`, creating it (mode 0600) on first use. */
  static fromDir(dir: string, nowMs?: () => number): LocalTokenAuthenticator {
    const file = path.join(dir, LOCAL_TOKEN_KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    }
    return new LocalTokenAuthenticator(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'), nowMs);
  }

  /** A token for `identity`, valid until `expiresAtMs` (default: no expiry). */
  mint(identity: WorkloadIdentity, expiresAtMs?: number): string {
    const claims: Record<string, unknown> = { ns: identity.namespace, sa: identity.serviceAccount };
    if (expiresAtMs !== undefined) claims['exp'] = Math.floor(expiresAtMs / 1000);
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${PREFIX}${body}.${this.mac(body)}`;
  }

  authenticate(credential: CallerCredential): WorkloadIdentity {
    const token = credential.bearerToken ?? '';
    if (!token.startsWith(PREFIX)) throw new Error('not a local token');
    const [body = '', mac = ''] = token.slice(PREFIX.length).split('.');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new Error('bad signature');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      ns?: unknown;
      sa?: unknown;
      exp?: unknown;
    };
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= this.nowMs()) throw new Error('token expired');
    if (typeof claims.ns !== 'string' || typeof claims.sa !== 'string' || !claims.ns || !claims.sa)
      throw new Error('token names no identity');
    return { namespace: claims.ns, serviceAccount: claims.sa };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
