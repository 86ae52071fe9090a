import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseIstioFile } from '../config/istio-file-parser.ts';
import { ControlPlane } from '../control-plane.ts';
import { parseProxyInfo } from '../proxy/proxy-info.ts';
import { translate } from '../translate/translate.ts';

const JWKS = readFileSync(
  path.resolve(import.meta.dirname, '../../../../../shared/testdata/istio/jwt/jwks.json'),
  'utf8',
);

describe('JwksResolver (jwksUri fetched by the control plane, inlined for proxies)', () => {
  it('fetches a jwksUri, inlines its keys into the JWT filter, and picks up a refreshed document', async () => {
    let doc = JWKS;
    let fetches = 0;
    const server = http.createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(doc);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const uri = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/jwks.json`;
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-jwks-'));
    writeFileSync(
      path.join(dir, 'ra.yaml'),
      `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: default }
spec:
  jwtRules: [{ issuer: testing@secure.istio.io, jwksUri: "${uri}" }]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web, namespace: default }
spec:
  workloadSelector: { labels: { app: web } }
  ingress: [{ port: { number: 9080, protocol: HTTP, name: http }, defaultEndpoint: 127.0.0.1:8080 }]
`,
    );
    const cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, watch: false, log: () => {} });
    try {
      await cp.start();
      const deadline = Date.now() + 5000;
      while (cp.meshSnapshot.security.jwks.get(uri) === undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const proxy = parseProxyInfo({
        id: 'sidecar~127.0.0.1~web-1.default~default.svc.cluster.local',
        metadata: { LABELS: { app: 'web' }, INTERCEPTION_MODE: 'NONE' },
      });
      const inlined = () => JSON.stringify(translate(cp.meshSnapshot, proxy).listeners.get('0.0.0.0_9080'));
      assert.match(inlined(), /DHFbpoIUqrY8t2zpA2qXfCmr5VO5ZEr4RzHU_-envvQ/);
      doc = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'rotated', n: 'AQAB', e: 'AQAB' }] });
      await cp.jwks.refresh(uri);
      assert.match(inlined(), /"kid\\?":\\?"rotated/);
      assert.ok(fetches >= 2);
    } finally {
      await cp.stop();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
