/**
 * Certificate rotation under traffic, through two Tandem sidecars with mTLS (client sidecar -> server
 * sidecar -> app), configured from Istio YAML. Upstream connections are recycled every few requests
 * (DestinationRule maxRequestsPerConnection) so that new handshakes keep happening with whatever
 * certificates are current. Zero failed requests is the bar.
 *
 * - Workload certificates with a 20 s TTL during 60 s of steady traffic: each side renews at least twice,
 *   and the peers see the new certificates (the app sees new client-certificate hashes in XFCC; a TLS client
 *   sees new server serials).
 * - Root rotation: the trust bundle goes from root A to A+B (still signing with A), then signing moves to B
 *   (workloads pick up B-signed certificates at renewal), then the bundle becomes B alone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ProxyServer } from '@tandem/proxy';
import { freePort } from '../../proxy/test/helpers/backends.ts';
import { run } from '../../proxy/test/helpers/exec.ts';
import { loadOrCreateCa } from '../src/ca/load-ca-dir.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';
import { type EchoApp, request, startEchoApp, startMeshSidecar, waitFor } from './helpers/mesh-sidecar.ts';

function meshYaml(inbound: number, appPort: number): string {
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
kind: DestinationRule
metadata: { name: web, namespace: default }
spec:
  host: web
  trafficPolicy:
    connectionPool: { http: { maxRequestsPerConnection: 10 } }
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
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
`;
}

interface Mesh {
  dir: string;
  cp: ControlPlane;
  client: ProxyServer;
  server: ProxyServer;
  app: EchoApp;
  clientPort: number;
  inbound: number;
  stop(): Promise<void>;
}

async function startMesh(ttlMs: number): Promise<Mesh> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-rotation-'));
  const config = path.join(dir, 'config');
  mkdirSync(config);
  const app = await startEchoApp('web');
  const inbound = await freePort();
  writeFileSync(path.join(config, 'mesh.yaml'), meshYaml(inbound, app.port));
  const cp = new ControlPlane({
    configDir: config,
    parse: parseIstioFile,
    debounceQuietMs: 20,
    log: () => {},
    security: { caDir: path.join(dir, 'ca') },
  });
  await cp.start();
  const xdsPort = await cp.ads.listen('127.0.0.1:0');
  const server = await startMeshSidecar(cp, xdsPort, {
    name: 'web',
    namespace: 'default',
    serviceAccount: 'web',
    labels: { app: 'web' },
    ttlMs,
  });
  const clientPort = await freePort();
  const client = await startMeshSidecar(cp, xdsPort, {
    name: 'client',
    namespace: 'default',
    serviceAccount: 'client',
    labels: { app: 'client' },
    proxyPort: clientPort,
    ttlMs,
  });
  await waitFor('traffic through both sidecars', async () => (await request(clientPort, URL)).status === 200);
  return {
    dir,
    cp,
    client,
    server,
    app,
    clientPort,
    inbound,
    async stop() {
      await client.stop(0);
      await server.stop(0);
      await cp.stop();
      app.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const URL = 'http://web.default.svc.cluster.local:8080/';

/** Steady traffic from 8 keep-alive clients until stopped; counts requests, failures and client-cert hashes. */
function startLoad(clientPort: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const state = { sent: 0, failed: 0, failures: [] as string[], hashes: new Set<string>(), stop: false };
  const workers = Array.from({ length: 8 }, async () => {
    while (!state.stop) {
      const r = await request(clientPort, URL, {}, agent);
      state.sent++;
      if (r.status !== 200) {
        state.failed++;
        if (state.failures.length < 5) state.failures.push(`${r.status} ${r.body}`);
        continue;
      }
      const hash = /Hash=([0-9a-f]+)/.exec((JSON.parse(r.body) as { xfcc: string }).xfcc)?.[1];
      if (hash !== undefined) state.hashes.add(hash);
      await new Promise((res) => setTimeout(res, 5));
    }
  });
  return {
    state,
    async finish() {
      state.stop = true;
      await Promise.all(workers);
      agent.destroy();
      return state;
    },
  };
}

/** The serial of the certificate a TLS server presents (as a mesh client with a CA-issued certificate). */
async function serverSerial(mesh: Mesh): Promise<string> {
  const file = (n: string) => path.join(mesh.dir, n);
  if (!existsSyncSafe(file('probe.key'))) {
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
        file('probe.key'),
        '-out',
        file('probe.csr'),
        '-subj',
        '/O=probe',
      ],
      { stdio: 'ignore' },
    );
  }
  const issued = await mesh.cp.security!.ca.sign(readFileSync(file('probe.csr'), 'utf8'), {
    namespace: 'default',
    serviceAccount: 'probe',
  });
  writeFileSync(file('probe.pem'), issued.chainPem.slice(0, -1).join(''));
  const r = await run(
    'openssl',
    [
      's_client',
      '-connect',
      `127.0.0.1:${mesh.inbound}`,
      '-cert',
      file('probe.pem'),
      '-key',
      file('probe.key'),
    ],
    { input: '', timeoutMs: 10_000 },
  );
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(r.stdout)?.[0] ?? '';
  const serial = await run('openssl', ['x509', '-noout', '-serial'], { input: pem });
  return serial.stdout.trim();
}

function existsSyncSafe(p: string): boolean {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
}

describe('workload certificate rotation under load (20 s TTL, 60 s of traffic)', () => {
  let mesh: Mesh | undefined;
  after(() => mesh?.stop());

  it('renews each side at least twice with zero failed requests; peers see the new certificates', async () => {
    mesh = await startMesh(20_000);
    const load = startLoad(mesh.clientPort);
    const serials = new Set<string>();
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      serials.add(await serverSerial(mesh));
      await new Promise((r) => setTimeout(r, 4000));
    }
    const state = await load.finish();
    const renewals = (p: ProxyServer) => p.identity!.state()!.renewals;
    process.stderr.write(
      `rotation: ${state.sent} requests, ${state.failed} failed; renewals client ${renewals(mesh.client)} server ${renewals(mesh.server)}; client cert hashes seen by the app ${state.hashes.size}; server serials seen ${serials.size}\n`,
    );
    assert.equal(state.failed, 0, state.failures.join('\n'));
    assert.ok(state.sent > 1000, `${state.sent} requests`);
    assert.ok(renewals(mesh.client) >= 2, `client renewed ${renewals(mesh.client)} times`);
    assert.ok(renewals(mesh.server) >= 2, `server renewed ${renewals(mesh.server)} times`);
    assert.ok(state.hashes.size >= 3, `the app saw ${state.hashes.size} client certificates`);
    assert.ok(serials.size >= 3, `a TLS client saw ${serials.size} server certificates`);
  });
});

describe('root rotation A -> A+B -> B under traffic', () => {
  let mesh: Mesh | undefined;
  after(() => mesh?.stop());

  it('moves trust and signing to a new root with zero failed requests', async () => {
    mesh = await startMesh(6_000);
    const m = mesh;
    const caDir = path.join(m.dir, 'ca');
    const a = (n: string) => readFileSync(path.join(caDir, n), 'utf8');
    const rootA = a('root-cert.pem');
    const keyA = a('ca-key.pem');
    const bDir = path.join(m.dir, 'ca-b');
    const { material: b } = await loadOrCreateCa(bDir, { organization: 'rotated' });
    const rootB = b.rootsPem[0]!;
    const write = (cert: string, key: string, roots: string) => {
      writeFileSync(path.join(caDir, 'ca-cert.pem'), cert);
      writeFileSync(path.join(caDir, 'ca-key.pem'), key);
      writeFileSync(path.join(caDir, 'cert-chain.pem'), cert);
      writeFileSync(path.join(caDir, 'root-cert.pem'), roots);
    };
    const rootCount = (p: ProxyServer) => {
      const s = p.secrets.get('ROOTCA')?.secret;
      const ca = s?.kind === 'validationContext' ? s.validationContext.trustedCa : undefined;
      return ca?.kind === 'inlineString' ? (ca.value.match(/BEGIN CERTIFICATE/g) ?? []).length : 0;
    };
    const signedBy = (p: ProxyServer, org: string) =>
      (p.identity!.state()?.chain ?? []).some((s) => s.includes(org));
    const load = startLoad(m.clientPort);
    await new Promise((r) => setTimeout(r, 2000));

    write(rootA, keyA, rootA + rootB); // A+B trusted, A signs
    await m.cp.security!.reload();
    await waitFor('A+B trusted on both sides', () => rootCount(m.client) === 2 && rootCount(m.server) === 2);
    await new Promise((r) => setTimeout(r, 2000));

    copyFileSync(path.join(bDir, 'ca-key.pem'), path.join(m.dir, 'key-b.pem'));
    write(rootB, readFileSync(path.join(m.dir, 'key-b.pem'), 'utf8'), rootA + rootB); // B signs
    await m.cp.security!.reload();
    await waitFor(
      'both sides renewed with B-signed certificates',
      () => signedBy(m.client, 'rotated') && signedBy(m.server, 'rotated'),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 2000));

    write(rootB, readFileSync(path.join(m.dir, 'key-b.pem'), 'utf8'), rootB); // only B trusted
    await m.cp.security!.reload();
    await waitFor(
      'only B trusted on both sides',
      () => rootCount(m.client) === 1 && rootCount(m.server) === 1,
    );
    await new Promise((r) => setTimeout(r, 7000)); // past another renewal, on B alone

    const state = await load.finish();
    process.stderr.write(`root rotation: ${state.sent} requests, ${state.failed} failed\n`);
    assert.equal(state.failed, 0, state.failures.join('\n'));
    assert.ok(state.sent > 300, `${state.sent} requests`);
    assert.ok(signedBy(m.client, 'rotated') && signedBy(m.server, 'rotated'));
  });
});
