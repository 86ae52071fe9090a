/**
 * The control plane's CA with Istio's sample intermediate plugged in (the shared testdata's cacerts, read in
 * place): a Tandem sidecar gets its workload certificate over the CA service, and the chain it presents
 * verifies with openssl against Istio's sample root.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ProxyServer } from '@tandem/proxy';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';
import { startMeshSidecar } from './helpers/mesh-sidecar.ts';

const ISTIO_CERTS = path.resolve(import.meta.dirname, '../../../../shared/testdata/istio/certs');

describe("Istio's sample intermediate as the mesh CA", () => {
  let dir: string | undefined;
  let cp: ControlPlane | undefined;
  let sidecar: ProxyServer | undefined;
  after(async () => {
    await sidecar?.stop(0);
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("issues sidecar certificates that chain to Istio's sample root", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-istio-ca-'));
    mkdirSync(path.join(dir, 'config'));
    cp = new ControlPlane({
      configDir: path.join(dir, 'config'),
      parse: parseIstioFile,
      log: () => {},
      watch: false,
      security: { caDir: ISTIO_CERTS, tokenKeyDir: path.join(dir, 'keys') },
    });
    await cp.start();
    const xdsPort = await cp.ads.listen('127.0.0.1:0');
    sidecar = await startMeshSidecar(cp, xdsPort, {
      name: 'web',
      namespace: 'default',
      serviceAccount: 'web',
      labels: { app: 'web' },
    });
    const secret = sidecar.secrets.get('default')?.secret;
    assert.ok(secret?.kind === 'tlsCertificate');
    const chain = secret.tlsCertificate.certificateChain;
    assert.ok(chain.kind === 'inlineString');
    const certs = chain.value.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)!;
    assert.equal(certs.length, 2, 'leaf and Istio CA intermediate');
    writeFileSync(path.join(dir, 'leaf.pem'), certs[0]!);
    writeFileSync(path.join(dir, 'chain.pem'), certs.slice(1).join(''));
    const out = execFileSync(
      'openssl',
      ['verify', '-CAfile', path.join(ISTIO_CERTS, 'root-cert.pem'), '-untrusted', 'chain.pem', 'leaf.pem'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.match(out, /leaf\.pem: OK/);
    assert.equal(sidecar.identity!.state()!.subjectAltNames, 'URI:spiffe://cluster.local/ns/default/sa/web');
  });
});
