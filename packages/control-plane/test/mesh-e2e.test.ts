/**
 * A small mesh, configured only from Istio YAML through the control plane: two Tandem proxies
 * (the client's sidecar, and the sidecar of web v2 in front of its app) and two versions of an
 * HTTP service. Header routing, a 90/10 shift, a live change to 50/50 under load with no failed
 * request, an invalid VirtualService rejected while traffic keeps the previous config, and the
 * control plane stopped and restarted under traffic.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateBootstrap } from '@tandem/api';
import { ProxyServer } from '@tandem/proxy';
import { adsBootstrap } from '../../proxy/test/helpers/ads-bootstrap.ts';
import { freePort } from '../../proxy/test/helpers/backends.ts';
import { run } from '../../proxy/test/helpers/exec.ts';
import { promtoolCheck } from '../../proxy/test/helpers/promtool.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { ControlPlane } from '../src/control-plane.ts';
import { DebugServer } from '../src/debug/debug-server.ts';
import { buildDebugHandlers } from '../src/debug/handlers.ts';

const TANDEM = path.resolve(import.meta.dirname, '../../cli/bin/tandem.js');

function app(name: string): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ version: name, user: req.headers['end-user'] ?? '' })));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    ),
  );
}

function mesh(v1Port: number, v2InboundPort: number, v2AppPort: number): string {
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
    - { address: 127.0.0.1, ports: { http: ${v1Port} }, labels: { app: web, version: v1 } }
    - { address: 127.0.0.1, ports: { http: ${v2InboundPort} }, labels: { app: web, version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: web, namespace: default }
spec:
  host: web
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web-v2, namespace: default }
spec:
  workloadSelector: { labels: { app: web, version: v2 } }
  ingress:
    - port: { number: ${v2InboundPort}, protocol: HTTP, name: http }
      defaultEndpoint: 127.0.0.1:${v2AppPort}
`;
}

function routes(v1: number, v2: number): string {
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: default }
spec:
  hosts: [web]
  http:
    - match: [{ headers: { end-user: { exact: jason } } }]
      route: [{ destination: { host: web, subset: v2 } }]
    - route:
        - { destination: { host: web, subset: v1 }, weight: ${v1} }
        - { destination: { host: web, subset: v2 }, weight: ${v2} }
`;
}

async function startSidecar(
  xdsPort: number,
  id: string,
  labels: Record<string, string>,
  proxyPort: number,
): Promise<ProxyServer> {
  const raw = adsBootstrap(xdsPort, { initialFetchTimeout: '5s' }) as { node: Record<string, unknown> };
  raw.node = {
    id,
    cluster: labels['app'],
    metadata: {
      NAMESPACE: 'default',
      LABELS: labels,
      INTERCEPTION_MODE: 'NONE',
      HTTP_PROXY_PORT: String(proxyPort),
      OUTBOUND_LISTENERS: 'http-proxy',
    },
    locality: { zone: 'z1' },
  };
  const v = validateBootstrap(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const proxy = new ProxyServer({ bootstrap: v.bootstrap, raw, log: () => {}, drainTimeMs: 500 });
  await proxy.start();
  return proxy;
}

/** One request through a sidecar's HTTP proxy listener, as an HTTP_PROXY client sends it. */
function viaProxy(
  proxyPort: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; version: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxyPort,
        path: 'http://web:8080/',
        headers: { host: 'web:8080', ...headers },
        agent: keepAlive,
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          let version = '';
          try {
            version = (JSON.parse(body) as { version: string }).version;
          } catch {}
          resolve({ status: res.statusCode ?? 0, version });
        });
      },
    );
    req.on('error', () => resolve({ status: 0, version: '' }));
    req.end();
  });
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

async function share(proxyPort: number, n: number): Promise<{ v2: number; failed: number }> {
  let v2 = 0;
  let failed = 0;
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => viaProxy(proxyPort)));
    for (const r of batch) {
      if (r.status !== 200) failed++;
      else if (r.version === 'v2') v2++;
    }
  }
  return { v2, failed };
}

async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 5000): Promise<void> {
  for (let i = 0; i < limitMs / 25; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a mesh of Tandem proxies configured from Istio YAML', () => {
  let dir: string;
  let cp: ControlPlane;
  let debug: DebugServer;
  let debugPort: number;
  let xdsPort: number;
  let client: ProxyServer;
  let webSidecar: ProxyServer;
  let clientPort: number;
  const apps: http.Server[] = [];

  before(async () => {
    const [v1, v2] = [await app('v1'), await app('v2')];
    apps.push(v1.server, v2.server);
    const v2Inbound = await freePort();
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-mesh-'));
    writeFileSync(path.join(dir, 'mesh.yaml'), mesh(v1.port, v2Inbound, v2.port));
    writeFileSync(path.join(dir, 'routes.yaml'), routes(90, 10));
    cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, debounceQuietMs: 20, log: () => {} });
    await cp.start();
    xdsPort = await cp.ads.listen('127.0.0.1:0');
    debug = new DebugServer(buildDebugHandlers(cp));
    debugPort = await debug.listen('127.0.0.1', 0);
    clientPort = await freePort();
    client = await startSidecar(
      xdsPort,
      'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local',
      { app: 'client' },
      clientPort,
    );
    webSidecar = await startSidecar(
      xdsPort,
      'sidecar~127.0.0.1~web-v2-1.default~default.svc.cluster.local',
      { app: 'web', version: 'v2' },
      await freePort(),
    );
    await waitFor('the client sidecar routes', async () => (await viaProxy(clientPort)).status === 200);
  });

  after(async () => {
    keepAlive.destroy();
    await client?.stop(0);
    await webSidecar?.stop(0);
    await debug?.close();
    await cp?.stop();
    for (const a of apps) a.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('routes by header to v2 through the v2 sidecar inbound listener', async () => {
    for (let i = 0; i < 10; i++)
      assert.deepEqual(await viaProxy(clientPort, { 'end-user': 'jason' }), { status: 200, version: 'v2' });
    const inbound = webSidecar.stats.counters.get(
      'cluster.inbound|' +
        webSidecar.listeners().find((l) => l.name.startsWith('0.0.0.0_'))!.port +
        '||.upstream_rq_total',
    );
    assert.ok(inbound !== undefined && inbound.value >= 10);
  });

  it('shows each proxy its generated config with proxy-config', async () => {
    const id = 'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local';
    const clusters = await run(process.execPath, [
      TANDEM,
      'proxy-config',
      'clusters',
      id,
      '--debug-address',
      `127.0.0.1:${debugPort}`,
    ]);
    assert.equal(clusters.code, 0, clusters.stderr);
    assert.match(
      clusters.stdout,
      /^web\.default\.svc\.cluster\.local\s+8080\s+v2\s+outbound\s+EDS\s+ROUND_ROBIN$/m,
    );
    const routesOut = await run(process.execPath, [
      TANDEM,
      'proxy-config',
      'routes',
      id,
      '--debug-address',
      `127.0.0.1:${debugPort}`,
    ]);
    assert.match(
      routesOut.stdout,
      /end-user=\{"exact":"jason"\}\s+outbound\|8080\|v2\|web\.default\.svc\.cluster\.local/,
    );
    const json = await run(process.execPath, [
      TANDEM,
      'proxy-config',
      'listeners',
      id,
      '-o',
      'json',
      '--debug-address',
      `127.0.0.1:${debugPort}`,
    ]);
    const listeners = JSON.parse(json.stdout) as { name: string }[];
    assert.deepEqual(
      listeners.map((l) => l.name),
      [`127.0.0.1_${clientPort}`],
    );
  });

  it('exports pilot_* metrics and the process figures (memory, heap, GC) at /metrics, clean for promtool', async () => {
    const text = await (await fetch(`http://127.0.0.1:${debugPort}/metrics`)).text();
    for (const name of [
      'pilot_xds',
      'pilot_proxy_convergence_time_bucket',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_heap_space_size_used_bytes',
      'nodejs_gc_duration_seconds_count',
    ])
      assert.match(text, new RegExp(`^${name}(\\{[^}]*\\})? `, 'm'), name);
    const connected = Number(/^pilot_xds (\d+)$/m.exec(text)?.[1]);
    assert.ok(connected >= 2, `pilot_xds ${connected}`);
    const lint = promtoolCheck(text);
    if (lint.available) assert.deepEqual(lint.errors, []);
  });

  it('shifts 10% of traffic to v2', async () => {
    const { v2, failed } = await share(clientPort, 1000);
    assert.equal(failed, 0);
    // sd of the v2 share at p=0.1, n=1000 is 0.95%; allow 4 sigma.
    assert.ok(v2 >= 62 && v2 <= 138, `v2 got ${v2} of 1000`);
  });

  it('moves to 50/50 while traffic flows, without a failed request', async () => {
    let stop = false;
    let failed = 0;
    let sent = 0;
    const workers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const r = await viaProxy(clientPort);
        sent++;
        if (r.status !== 200) failed++;
      }
    });
    writeFileSync(path.join(dir, 'routes.yaml'), routes(50, 50));
    await waitFor('a 50/50 split', async () => {
      const { v2 } = await share(clientPort, 200);
      return v2 > 60 && v2 < 140;
    });
    stop = true;
    await Promise.all(workers);
    assert.ok(sent > 100, `only ${sent} requests during the change`);
    assert.equal(failed, 0, `${failed} of ${sent} requests failed during the change`);
  });

  it('rejects an invalid VirtualService and keeps serving the previous config, proxies SYNCED', async () => {
    const before = await syncz(debugPort);
    writeFileSync(path.join(dir, 'routes.yaml'), routes(50, 50).replace('weight: 50', 'weight: -5'));
    await waitFor('the rejection', async () => cp.store.currentRejections().length > 0);
    const rejection = cp.store.currentRejections()[0]!;
    assert.equal(rejection.key, 'VirtualService/default/web');
    assert.equal(rejection.keptPrevious, true);
    assert.match(
      rejection.issues.map((i) => i.message).join('\n'),
      /VirtualService default\/web: spec\.http\[1\]\.route\[0\]\.weight/,
    );
    const { v2, failed } = await share(clientPort, 400);
    assert.equal(failed, 0);
    assert.ok(v2 > 120 && v2 < 280, `v2 got ${v2} of 400 (50/50 expected to stay)`);
    const status = await run(process.execPath, [
      TANDEM,
      'proxy-status',
      '--debug-address',
      `127.0.0.1:${debugPort}`,
    ]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(
      status.stdout,
      /sidecar~127\.0\.0\.1~client-1\.default~default\.svc\.cluster\.local\s+SYNCED\s+SYNCED\s+SYNCED\s+SYNCED/,
    );
    const after = await syncz(debugPort);
    assert.deepEqual(versions(after), versions(before));
  });

  it('keeps serving while the control plane is down, and resyncs when it returns', async () => {
    await debug.close();
    await cp.stop();
    const down = await share(clientPort, 200);
    assert.equal(down.failed, 0);
    writeFileSync(path.join(dir, 'routes.yaml'), routes(0, 100));
    cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, debounceQuietMs: 20, log: () => {} });
    await cp.start();
    await cp.ads.listen(`127.0.0.1:${xdsPort}`);
    debug = new DebugServer(buildDebugHandlers(cp));
    debugPort = await debug.listen('127.0.0.1', 0);
    await waitFor(
      'both proxies reconnected and synced',
      async () => {
        const s = await syncz(debugPort);
        return s.length === 2 && s.every((p) => Object.values(p.types).every((t) => t.state === 'SYNCED'));
        // The proxies reconnect with exponential backoff (0.5 s doubling, capped at 30 s).
      },
      45_000,
    );
    await waitFor('the new routes', async () => (await share(clientPort, 40)).v2 === 40);
  });
});

interface Sync {
  proxy: string;
  types: Record<string, { state: string; acked: string | null }>;
}

async function syncz(port: number): Promise<Sync[]> {
  const res = await fetch(`http://127.0.0.1:${port}/debug/syncz`);
  return (await res.json()) as Sync[];
}

function versions(list: Sync[]): Record<string, Record<string, string | null>> {
  const out: Record<string, Record<string, string | null>> = {};
  for (const s of list)
    out[s.proxy] = Object.fromEntries(Object.entries(s.types).map(([k, v]) => [k, v.acked]));
  return out;
}
