/**
 * Mutual TLS between Tandem sidecars, configured only from Istio YAML through the control plane, with
 * certificates from its CA: the 3x3 matrix of clients (with a sidecar, without one, with a sidecar in
 * another namespace) against servers under STRICT / PERMISSIVE / DISABLE; openssl s_client and curl against
 * the STRICT port with and without a mesh certificate; plaintext to STRICT vs PERMISSIVE; the caller's
 * identity in x-forwarded-client-cert.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProxyServer } from '@tandem/proxy';
import { freePort } from '../../proxy/test/helpers/backends.ts';
import { run } from '../../proxy/test/helpers/exec.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';
import { type EchoApp, request, startEchoApp, startMeshSidecar, waitFor } from './helpers/mesh-sidecar.ts';

const MODES = ['STRICT', 'PERMISSIVE', 'DISABLE'] as const;
type Mode = (typeof MODES)[number];
const host = (m: Mode) => `srv-${m.toLowerCase()}.default.svc.cluster.local`;

function serverYaml(mode: Mode, inbound: number, appPort: number): string {
  const name = `srv-${mode.toLowerCase()}`;
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: default }
spec:
  hosts: [${host(mode)}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints:
    - { address: 127.0.0.1, ports: { http: ${inbound} }, labels: { app: ${name} }, serviceAccount: ${name} }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: default }
spec:
  workloadSelector: { labels: { app: ${name} } }
  ingress:
    - port: { number: ${inbound}, protocol: HTTP, name: http }
      defaultEndpoint: 127.0.0.1:${appPort}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: ${name}, namespace: default }
spec:
  selector: { matchLabels: { app: ${name} } }
  mtls: { mode: ${mode} }
`;
}

describe('mTLS between sidecars (PeerAuthentication, auto mTLS)', () => {
  let dir: string;
  let cp: ControlPlane;
  let xdsPort: number;
  const proxies: ProxyServer[] = [];
  const apps: EchoApp[] = [];
  const inbound = {} as Record<Mode, number>;
  let clientPort: number;
  let otherPort: number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-mtls-'));
    const config = path.join(dir, 'config');
    execFileSync('mkdir', ['-p', config]);
    let yaml = '';
    for (const m of MODES) {
      const app = await startEchoApp(m);
      apps.push(app);
      inbound[m] = await freePort();
      yaml += `${serverYaml(m, inbound[m], app.port)}---\n`;
    }
    writeFileSync(path.join(config, 'mesh.yaml'), yaml);
    cp = new ControlPlane({
      configDir: config,
      parse: parseIstioFile,
      debounceQuietMs: 20,
      log: () => {},
      security: { caDir: path.join(dir, 'ca') },
    });
    await cp.start();
    xdsPort = await cp.ads.listen('127.0.0.1:0');
    for (const m of MODES) {
      const name = `srv-${m.toLowerCase()}`;
      proxies.push(
        await startMeshSidecar(cp, xdsPort, {
          name,
          namespace: 'default',
          serviceAccount: name,
          labels: { app: name },
        }),
      );
    }
    clientPort = await freePort();
    otherPort = await freePort();
    proxies.push(
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
    await waitFor('every server reachable through the client sidecar', async () => {
      for (const m of MODES) {
        const r = await request(clientPort, `http://${host(m)}:8080/`);
        if (process.env.TANDEM_TEST_LOG) process.stderr.write(`${m}: ${r.status} ${r.body}\n`);
        if (r.status !== 200) return false;
      }
      return true;
    });
  });

  after(async () => {
    for (const p of proxies) await p.stop(0);
    await cp?.stop();
    for (const a of apps) a.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the documented outcome for each client x server mode', async () => {
    const outcome = async (client: 'sidecar' | 'none' | 'other-ns', m: Mode): Promise<string> => {
      const r =
        client === 'none'
          ? await request(0, `http://127.0.0.1:${inbound[m]}/`)
          : await request(client === 'sidecar' ? clientPort : otherPort, `http://${host(m)}:8080/`);
      if (r.status !== 200) return 'refused';
      const xfcc = (JSON.parse(r.body) as { xfcc: string }).xfcc;
      const uri = /URI=(spiffe:\/\/[^;,]+)/.exec(xfcc)?.[1];
      return uri === undefined ? 'plaintext' : `mtls ${uri}`;
    };
    const got: Record<string, string> = {};
    for (const client of ['sidecar', 'none', 'other-ns'] as const)
      for (const m of MODES) got[`${client} -> ${m}`] = await outcome(client, m);
    assert.deepEqual(got, {
      'sidecar -> STRICT': 'mtls spiffe://cluster.local/ns/default/sa/client',
      'sidecar -> PERMISSIVE': 'mtls spiffe://cluster.local/ns/default/sa/client',
      'sidecar -> DISABLE': 'plaintext',
      'none -> STRICT': 'refused',
      'none -> PERMISSIVE': 'plaintext',
      'none -> DISABLE': 'plaintext',
      'other-ns -> STRICT': 'mtls spiffe://cluster.local/ns/other/sa/other',
      'other-ns -> PERMISSIVE': 'mtls spiffe://cluster.local/ns/other/sa/other',
      'other-ns -> DISABLE': 'plaintext',
    });
  });

  it('puts Envoy-style x-forwarded-client-cert on mTLS requests (By, Hash, Subject, URI)', async () => {
    const r = await request(clientPort, `http://${host('STRICT')}:8080/`);
    const xfcc = (JSON.parse(r.body) as { xfcc: string }).xfcc;
    assert.match(
      xfcc,
      /^By=spiffe:\/\/cluster\.local\/ns\/default\/sa\/srv-strict;Hash=[0-9a-f]{64};Subject="";URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/client$/,
    );
  });

  it("fills Istio's principals and connection_security_policy on the server side from the mTLS connection", async () => {
    for (const m of ['STRICT', 'DISABLE'] as const)
      assert.equal((await request(clientPort, `http://${host(m)}:8080/`)).status, 200);
    const metricsOf = async (m: Mode) => {
      const server = proxies[MODES.indexOf(m)]!;
      const text = (await request(0, `http://127.0.0.1:${server.adminPort}/stats/prometheus`)).body;
      return text.split('\n').filter((l) => l.startsWith('istio_requests_total{reporter="destination"'));
    };
    const strict = (await metricsOf('STRICT')).join('\n');
    assert.match(strict, /source_principal="spiffe:\/\/cluster\.local\/ns\/default\/sa\/client"/);
    assert.match(strict, /destination_principal="spiffe:\/\/cluster\.local\/ns\/default\/sa\/srv-strict"/);
    assert.match(strict, /connection_security_policy="mutual_tls"/);
    const plain = (await metricsOf('DISABLE')).join('\n');
    assert.match(plain, /source_principal="unknown"/);
    assert.match(plain, /connection_security_policy="none"/);
    assert.doesNotMatch(plain, /mutual_tls/);
  });

  it("exposes Citadel's metrics: certificates issued and the root's expiry", async () => {
    const text = await cp.metrics.registry.metrics();
    const issued = Number(/^citadel_server_success_cert_issuance_count (\d+)$/m.exec(text)?.[1]);
    assert.ok(issued >= proxies.length, `one certificate per sidecar at least, got ${issued}`);
    const expiry = Number(/^citadel_server_root_cert_expiry_timestamp (\d+)$/m.exec(text)?.[1]);
    const years = (expiry * 1000 - Date.now()) / (365 * 24 * 3600 * 1000);
    assert.ok(years > 9.9 && years <= 10, `a generated root lives 10 years, got ${years}`);
  });

  it('openssl s_client: STRICT refuses a handshake without a client certificate, accepts a mesh certificate', async () => {
    const files = meshClientCertificate(dir, 'tester');
    await files.issue(cp);
    const port = String(inbound.STRICT);
    const noCert = await run(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-CAfile', files.root],
      {
        input: '',
        timeoutMs: 10_000,
      },
    );
    assert.notEqual(noCert.code, 0, noCert.stdout);
    assert.match(noCert.stderr + noCert.stdout, /alert|handshake failure|certificate required/i);
    const withCert = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-quiet',
        '-verify_return_error',
        '-CAfile',
        files.root,
        '-cert',
        files.cert,
        '-key',
        files.key,
      ],
      { input: 'GET /hello HTTP/1.1\r\nHost: srv\r\nConnection: close\r\n\r\n', timeoutMs: 10_000 },
    );
    assert.match(withCert.stdout, /^HTTP\/1\.1 200/);
    assert.match(withCert.stdout, /URI=spiffe:\/\/cluster\.local\/ns\/default\/sa\/tester/);
    const curl = await run('curl', [
      '-sk',
      '--cert',
      files.cert,
      '--key',
      files.key,
      `https://127.0.0.1:${port}/`,
    ]);
    assert.equal(curl.code, 0, curl.stderr);
    assert.match(curl.stdout, /"name":"STRICT"/);
  });

  it('plaintext to a STRICT port gets nothing; to a PERMISSIVE port it works', async () => {
    const strict = await run('curl', ['-s', '-m', '5', `http://127.0.0.1:${inbound.STRICT}/`]);
    assert.notEqual(strict.code, 0);
    assert.equal(strict.stdout, '');
    const permissive = await run('curl', ['-s', '-m', '5', `http://127.0.0.1:${inbound.PERMISSIVE}/`]);
    assert.equal(permissive.code, 0);
    assert.match(permissive.stdout, /"name":"PERMISSIVE"/);
  });
});

/** A key made with openssl, its CSR signed by the control plane's CA for `sa` in `default`. */
function meshClientCertificate(dir: string, sa: string) {
  const file = (n: string) => path.join(dir, n);
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      file('client.key'),
      '-out',
      file('client.csr'),
      '-subj',
      '/O=tester',
    ],
    { stdio: 'ignore' },
  );
  return {
    root: file('root.pem'),
    cert: file('client.pem'),
    key: file('client.key'),
    async issue(cp: ControlPlane) {
      const csr = execFileSync('cat', [file('client.csr')], { encoding: 'utf8' });
      const issued = await cp.security!.ca.sign(csr, { namespace: 'default', serviceAccount: sa });
      writeFileSync(file('client.pem'), issued.chainPem.slice(0, -1).join(''));
      writeFileSync(file('root.pem'), cp.security!.rootsPem.join(''));
    },
  };
}
