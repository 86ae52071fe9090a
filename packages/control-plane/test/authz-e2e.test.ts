/**
 * AuthorizationPolicy and RequestAuthentication enforced by a Tandem sidecar, configured from Istio YAML:
 * a DENY on a path, ALLOW by principal and by source namespace (identities from mTLS), and JWT
 * authentication with Istio's test JWKS and tokens (valid 200, tampered 401, missing 200 unless a policy
 * requires a request principal, then 403).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProxyServer } from '@tandem/proxy';
import { freePort } from '../../proxy/test/helpers/backends.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';
import { type EchoApp, request, startEchoApp, startMeshSidecar, waitFor } from './helpers/mesh-sidecar.ts';

const JWT_DIR = path.resolve(import.meta.dirname, '../../../../shared/testdata/istio/jwt');
const JWKS = readFileSync(path.join(JWT_DIR, 'jwks.json'), 'utf8');
const TOKEN = readFileSync(path.join(JWT_DIR, 'demo.jwt'), 'utf8').trim();
const URL = 'http://web.default.svc.cluster.local:8080';

function yaml(inbound: number, appPort: number): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: web, namespace: default }
spec:
  hosts: [web.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints:
    - { address: 127.0.0.1, ports: { http: ${inbound} }, labels: { app: web }, serviceAccount: web }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: default }
spec:
  workloadSelector: { labels: { app: web } }
  ingress:
    - port: { number: ${inbound}, protocol: HTTP, name: http }
      defaultEndpoint: 127.0.0.1:${appPort}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny-admin, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  action: DENY
  rules: [{ to: [{ operation: { paths: ["/admin", "/admin/*"] } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  action: ALLOW
  rules:
    - to: [{ operation: { paths: ["/public/*", "/admin/*", "/open/*"] } }]
    - from: [{ source: { principals: ["cluster.local/ns/default/sa/client"] } }]
      to: [{ operation: { paths: ["/api/*"], methods: ["GET"] } }]
    - from: [{ source: { namespaces: ["other"] } }]
      to: [{ operation: { paths: ["/from-other/*"] } }]
    - from: [{ source: { requestPrincipals: ["testing@secure.istio.io/testing@secure.istio.io"] } }]
      to: [{ operation: { paths: ["/jwt/*"] } }]
      when: [{ key: "request.auth.claims[foo]", values: ["bar"] }]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  jwtRules:
    - issuer: testing@secure.istio.io
      jwks: '${JWKS.replace(/\n/g, '')}'
      outputClaimToHeaders: [{ header: x-jwt-foo, claim: foo }]
`;
}

describe('AuthorizationPolicy and RequestAuthentication', () => {
  let dir: string;
  let cp: ControlPlane;
  let app: EchoApp;
  const proxies: ProxyServer[] = [];
  let clientPort: number;
  let otherPort: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-authz-'));
    mkdirSync(path.join(dir, 'config'));
    app = await startEchoApp('web');
    const inbound = await freePort();
    writeFileSync(path.join(dir, 'config', 'mesh.yaml'), yaml(inbound, app.port));
    cp = new ControlPlane({
      configDir: path.join(dir, 'config'),
      parse: parseIstioFile,
      debounceQuietMs: 20,
      log: () => {},
      security: { caDir: path.join(dir, 'ca') },
    });
    await cp.start();
    assert.deepEqual(cp.store.currentRejections(), []);
    const xdsPort = await cp.ads.listen('127.0.0.1:0');
    clientPort = await freePort();
    otherPort = await freePort();
    proxies.push(
      await startMeshSidecar(cp, xdsPort, {
        name: 'web',
        namespace: 'default',
        serviceAccount: 'web',
        labels: { app: 'web' },
      }),
      await startMeshSidecar(cp, xdsPort, {
        name: 'client',
        namespace: 'default',
        serviceAccount: 'client',
        labels: { app: 'client' },
        proxyPort: clientPort,
      }),
      await startMeshSidecar(cp, xdsPort, {
        name: 'other',
        namespace: 'other',
        serviceAccount: 'other',
        labels: { app: 'other' },
        proxyPort: otherPort,
      }),
    );
    await waitFor(
      'the server reachable',
      async () => (await request(clientPort, `${URL}/public/x`)).status === 200,
    );
  });

  after(async () => {
    for (const p of proxies) await p.stop(0);
    await cp?.stop();
    app?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const status = async (port: number, p: string, headers: Record<string, string> = {}) =>
    (await request(port, `${URL}${p}`, headers)).status;

  it('a DENY on a path gives 403 while other paths work', async () => {
    assert.equal(await status(clientPort, '/admin'), 403);
    assert.equal(await status(clientPort, '/admin/users'), 403);
    assert.equal(await status(otherPort, '/admin/users'), 403);
    assert.equal(await status(clientPort, '/public/x'), 200);
    const denied = await request(clientPort, `${URL}/admin`);
    assert.equal(denied.body, 'RBAC: access denied');
  });

  it('an ALLOW for a principal lets that client through and not another; anything unmatched is denied', async () => {
    assert.equal(await status(clientPort, '/api/items'), 200);
    assert.equal(await status(otherPort, '/api/items'), 403);
    assert.equal(await status(clientPort, '/elsewhere'), 403);
  });

  it('from.namespaces matches the namespace of the peer identity', async () => {
    assert.equal(await status(otherPort, '/from-other/x'), 200);
    assert.equal(await status(clientPort, '/from-other/x'), 403);
  });

  it("RequestAuthentication with Istio's test JWKS: valid 200, tampered 401, missing 200", async () => {
    const valid = await request(clientPort, `${URL}/open/x`, { authorization: `Bearer ${TOKEN}` });
    assert.equal(valid.status, 200);
    const seen = JSON.parse(valid.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-jwt-foo'], 'bar');
    assert.equal(seen.headers.authorization, undefined, 'the token is not forwarded');
    const [h, p, s] = TOKEN.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')}.${s}`;
    const tampered = await request(clientPort, `${URL}/open/x`, { authorization: `Bearer ${forged}` });
    assert.equal(tampered.status, 401);
    assert.equal(await status(clientPort, '/open/x'), 200);
  });

  it('a policy requiring a request principal: valid token 200, missing 403, tampered 401', async () => {
    assert.equal(await status(clientPort, '/jwt/x', { authorization: `Bearer ${TOKEN}` }), 200);
    assert.equal(await status(clientPort, '/jwt/x'), 403);
    assert.equal(
      await status(clientPort, '/jwt/x', { authorization: `Bearer ${TOKEN.slice(0, -4)}AAAA` }),
      401,
    );
  });
});
