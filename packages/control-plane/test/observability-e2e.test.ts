/**
 * Observability of a mesh configured only by the control plane (Istio YAML, a Telemetry object
 * and a MeshConfig): a client sidecar and the sidecar of web v2. After a known sequence (200s,
 * 503s and a gRPC call answered with grpc-status 5), istio_requests_total has exactly the
 * expected counts and labels on both reporters; a request with a traceparent yields a client
 * and a server span in one trace at a real OTLP receiver; access logs are JSON lines.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateBootstrap } from '@tandem/api';
import { ProxyServer } from '@tandem/proxy';
import { adsBootstrap } from '../../proxy/test/helpers/ads-bootstrap.ts';
import { freePort } from '../../proxy/test/helpers/backends.ts';
import { startOtlpReceiver } from '../../proxy/test/helpers/otlp-receiver.ts';
import { isInherentLint, promtoolCheck } from '../../proxy/test/helpers/promtool.ts';
import { parseIstioFile } from '../src/config/istio-file-parser.ts';
import { parseMeshConfig } from '../src/config/mesh-config.ts';
import { ControlPlane } from '../src/control-plane.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER = 'b7ad6b7169203331';

function listen(server: http.Server | http2.Http2Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function config(p: { web: number; grpc: number; otlp: number }): string {
  return `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: web, namespace: default }
spec:
  hosts: [web.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  endpoints: [{ address: 127.0.0.1, ports: { http: ${p.web} }, labels: { app: web, version: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: grpcsvc, namespace: default }
spec:
  hosts: [grpcsvc.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9090, name: grpc, protocol: GRPC }]
  endpoints: [{ address: 127.0.0.1, ports: { grpc: ${p.grpc} }, labels: { app: web, version: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: otel-collector, namespace: istio-system }
spec:
  hosts: [otel-collector.istio-system.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 4318, name: http, protocol: HTTP }]
  endpoints: [{ address: 127.0.0.1, ports: { http: ${p.otlp} } }]
---
# No retries (Istio retries a 503 twice by default): every request is one attempt, so the counts are exact.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: default }
spec:
  hosts: [web.default.svc.cluster.local]
  http: [{ route: [{ destination: { host: web.default.svc.cluster.local } }], retries: { attempts: 0 } }]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web-v2, namespace: default }
spec:
  workloadSelector: { labels: { app: web, version: v2 } }
  ingress:
    - { port: { number: ${p.web}, protocol: HTTP, name: http }, defaultEndpoint: "127.0.0.1:${p.web + 0}" }
`;
}

describe('observability of a mesh configured by the control plane', () => {
  let dir: string;
  let cp: ControlPlane;
  let client: ProxyServer;
  let webSidecar: ProxyServer;
  let clientPort: number;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let logFile: string;
  const servers: (http.Server | http2.Http2Server)[] = [];

  async function sidecar(id: string, labels: Record<string, string>, workload: string, proxyPort: number) {
    const raw = adsBootstrap(await xdsPortP, { initialFetchTimeout: '5s' }) as {
      node: Record<string, unknown>;
    };
    raw.node = {
      id,
      cluster: labels['app'],
      metadata: {
        NAMESPACE: 'default',
        LABELS: labels,
        WORKLOAD_NAME: workload,
        INTERCEPTION_MODE: 'NONE',
        HTTP_PROXY_PORT: String(proxyPort),
        OUTBOUND_LISTENERS: 'http-proxy',
      },
    };
    const v = validateBootstrap(raw);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const proxy = new ProxyServer({
      bootstrap: v.bootstrap,
      raw,
      log: process.env.TANDEM_TEST_LOG ? (l: string) => console.log(l) : () => {},
      drainTimeMs: 200,
      telemetry: { traceFlushIntervalMs: 20 },
    });
    await proxy.start();
    return proxy;
  }

  let xdsPortP: Promise<number>;

  before(async () => {
    const app = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(req.url?.startsWith('/fail') ? 503 : 200, { 'content-type': 'text/plain' });
        res.end('hello');
      });
    });
    app.keepAliveTimeout = 60_000;
    const grpcApp = http2.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/grpc' });
        res.addTrailers({ 'grpc-status': '5', 'grpc-message': 'not found' });
        res.end();
      });
    });
    servers.push(app, grpcApp);
    const [appPort, grpcAppPort] = [await listen(app), await listen(grpcApp)];
    otlp = await startOtlpReceiver();
    // The web sidecar's inbound ports: the services' endpoints point at them.
    const [webIn, grpcIn] = [await freePort(), await freePort()];
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-obs-'));
    logFile = path.join(dir, 'access.log');
    const yaml = config({ web: webIn, grpc: grpcIn, otlp: otlp.port }).replace(
      `    - { port: { number: ${webIn}, protocol: HTTP, name: http }, defaultEndpoint: "127.0.0.1:${webIn}" }`,
      `    - { port: { number: ${webIn}, protocol: HTTP, name: http }, defaultEndpoint: "127.0.0.1:${appPort}" }\n` +
        `    - { port: { number: ${grpcIn}, protocol: GRPC, name: grpc }, defaultEndpoint: "127.0.0.1:${grpcAppPort}" }`,
    );
    writeFileSync(path.join(dir, 'mesh.yaml'), yaml);
    writeFileSync(
      path.join(dir, 'telemetry.yaml'),
      `apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: mesh-default, namespace: istio-system }
spec:
  tracing: [{ providers: [{ name: otel }], randomSamplingPercentage: 100 }]
`,
    );
    const mesh = parseMeshConfig(
      `accessLogFile: ${logFile}
accessLogEncoding: JSON
extensionProviders:
  - name: otel
    opentelemetry: { service: otel-collector.istio-system.svc.cluster.local, port: 4318, http: { path: /v1/traces } }
`,
      'mesh.yaml',
    );
    assert.deepEqual(mesh.errors, []);
    cp = new ControlPlane({
      configDir: dir,
      parse: parseIstioFile,
      debounceQuietMs: 20,
      log: () => {},
      meshConfig: mesh.config,
    });
    await cp.start();
    xdsPortP = cp.ads.listen('127.0.0.1:0');
    clientPort = await freePort();
    client = await sidecar(
      'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local',
      { app: 'client', version: 'v1' },
      'client',
      clientPort,
    );
    webSidecar = await sidecar(
      'sidecar~127.0.0.1~web-v2-1.default~default.svc.cluster.local',
      { app: 'web', version: 'v2' },
      'web-v2',
      await freePort(),
    );
    for (let i = 0; i < 200 && (await get('/warmup', {})).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 25));
  });

  after(async () => {
    agent.destroy();
    await client?.stop(0);
    await webSidecar?.stop(0);
    await cp?.stop();
    await otlp?.close();
    for (const s of servers) s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const agent = new http.Agent({ keepAlive: true });
  function get(p: string, headers: Record<string, string>): Promise<{ status: number }> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: clientPort,
          path: `http://web:8080${p}`,
          headers: { host: 'web:8080', ...headers },
          agent,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', () => resolve({ status: 0 }));
      req.end();
    });
  }

  function grpcCall(): Promise<{ status: number; grpcStatus: string }> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`http://127.0.0.1:${clientPort}`);
      session.on('error', reject);
      const req = session.request({
        ':method': 'POST',
        ':path': '/echo.Echo/Say',
        ':authority': 'grpcsvc:9090',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      let status = 0;
      let grpcStatus = '';
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('trailers', (t) => (grpcStatus = String(t['grpc-status'])));
      req.on('data', () => {});
      req.on('end', () => {
        session.close();
        resolve({ status, grpcStatus });
      });
      req.end(Buffer.from([0, 0, 0, 0, 2, 8, 1]));
    });
  }

  it('counts a known request sequence exactly, on both reporters', async () => {
    const who = {
      source_workload: 'client',
      source_app: 'client',
      source_version: 'v1',
      source_workload_namespace: 'default',
      destination_workload: 'web-v2',
      destination_app: 'web',
      destination_version: 'v2',
      destination_workload_namespace: 'default',
    };
    const web = {
      ...who,
      destination_service: 'web.default.svc.cluster.local',
      destination_service_name: 'web',
    };
    const ok = { ...web, request_protocol: 'http', response_code: '200', response_flags: '-' };
    const fail = { ...web, request_protocol: 'http', response_code: '503', response_flags: '-' };
    const grpc = {
      ...who,
      destination_service: 'grpcsvc.default.svc.cluster.local',
      destination_service_name: 'grpcsvc',
      request_protocol: 'grpc',
      response_code: '200',
      grpc_response_status: '5',
    };
    const sides = [
      [client, 'source', 'unknown'],
      [webSidecar, 'destination', 'none'],
    ] as const;
    // 200s sent while waiting for config are already counted: take them as the baseline.
    const warm = await Promise.all(
      sides.map(
        async ([p, r]) => value(await scrape(p), 'istio_requests_total', { reporter: r, ...ok }) ?? 0,
      ),
    );
    for (let i = 0; i < 4; i++) assert.equal((await get('/ok', {})).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await get('/fail', {})).status, 503);
    assert.deepEqual(await grpcCall(), { status: 200, grpcStatus: '5' });
    for (const [i, [proxy, reporter, security]] of sides.entries()) {
      const text = await scrape(proxy);
      const at = (labels: Record<string, string>) =>
        value(text, 'istio_requests_total', { reporter, ...labels, connection_security_policy: security });
      assert.equal(at(ok), warm[i]! + 4, `${reporter}: 200s`);
      assert.equal(at(fail), 3, `${reporter}: 503s`);
      assert.equal(at(grpc), 1, `${reporter}: gRPC`);
      assert.equal(value(text, 'istio_request_messages_total', { reporter, ...grpc }), 1);
      assert.equal(value(text, 'istio_response_messages_total', { reporter, ...grpc }), 0);
      const lint = promtoolCheck(text);
      if (lint.available) {
        assert.deepEqual(lint.errors, []);
        assert.deepEqual(
          lint.lints.filter((l) => !isInherentLint(l)),
          [],
        );
      }
    }
  });

  it('exports a client and a server span of one trace to the OTLP receiver', async () => {
    assert.equal((await get('/traced', { traceparent: `00-${TRACE}-${CALLER}-01` })).status, 200);
    let spans = otlp.spans.filter((s) => s.traceId === TRACE);
    for (let i = 0; i < 300 && spans.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      spans = otlp.spans.filter((s) => s.traceId === TRACE);
    }
    const c = spans.find((s) => s.kind === 3);
    const s = spans.find((x) => x.kind === 2);
    assert.ok(
      c !== undefined && s !== undefined,
      `${JSON.stringify(spans)}\n${JSON.stringify([...webSidecar.stats.counters].filter(([k]) => k.includes('trac')))}\n${JSON.stringify(cp.connectedProxies().map((p) => p.notes))}`,
    );
    assert.equal(c.parentSpanId, CALLER);
    assert.equal(s.parentSpanId, c.spanId);
    assert.equal(c.serviceName, 'client.default');
    assert.equal(s.serviceName, 'web.default');
    assert.equal(c.attributes['upstream_cluster'], 'outbound|8080||web.default.svc.cluster.local');
  });

  it('writes JSON access log lines on both sidecars (meshConfig accessLogEncoding: JSON)', async () => {
    let lines: Record<string, unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      try {
        lines = readFileSync(logFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
      } catch {}
      if (lines.filter((l) => l['response_code'] === 503).length >= 6) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const fails = lines.filter((l) => l['response_code'] === 503);
    assert.equal(fails.length, 6, 'three 503s, logged by each sidecar');
    assert.deepEqual(
      fails.map((l) => l['upstream_cluster']).sort(),
      [
        ...Array(3).fill(
          `inbound|${
            fails
              .find((l) => String(l['upstream_cluster']).startsWith('inbound'))!
              ['upstream_cluster']!.toString()
              .split('|')[1]
          }||`,
        ),
        ...Array(3).fill('outbound|8080||web.default.svc.cluster.local'),
      ].sort(),
    );
    assert.equal(fails[0]!['method'], 'GET');
  });
});

async function scrape(proxy: ProxyServer): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${proxy.adminPort}/stats/prometheus`);
  return res.text();
}

function value(text: string, metric: string, want: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    if (
      Object.entries(want).every(([k, v]) => line.includes(`,${k}="${v}"`) || line.includes(`{${k}="${v}"`))
    )
      return Number(line.split(' ').pop());
  }
  return undefined;
}
