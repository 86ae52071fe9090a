/**
 * Distributed tracing through two sidecars from static bootstraps: the client's sidecar exports
 * OTLP/HTTP protobuf to a real OTLP receiver, the server's sidecar exports Zipkin v2 JSON. An
 * incoming traceparent (or B3 header) gives both spans the caller's trace id; the client span is
 * the caller's child and the server span the client span's child. Sampling percentages hold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatConfigIssue, validateBootstrap } from '@tandem/api';
import { ProxyServer } from '../src/proxy-server.ts';
import { binomialBounds } from './helpers/admin.ts';
import { type Backend, freePort, startEchoBackend } from './helpers/backends.ts';
import { staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type OtlpSpan, startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { meshNode, otelTracing, sidecarBootstrap, zipkinTracing } from './helpers/sidecars.ts';
import { startZipkinReceiver, type ZipkinSpan } from './helpers/zipkin-receiver.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = '00f067aa0ba902b7';
const WEB = 'outbound|8080||web.default.svc.cluster.local';

async function start(raw: Record<string, unknown>): Promise<ProxyServer> {
  const v = validateBootstrap(raw);
  if (!v.ok) throw new Error(v.errors.map(formatConfigIssue).join('\n'));
  const p = new ProxyServer({
    bootstrap: v.bootstrap,
    raw,
    log: () => {},
    telemetry: { traceFlushIntervalMs: 20 },
  });
  await p.start();
  return p;
}

async function until<T>(what: string, get: () => T | undefined, limitMs = 5000): Promise<T> {
  for (let i = 0; i < limitMs / 10; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('distributed tracing through two sidecars', () => {
  let app: Backend;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let zipkin: Awaited<ReturnType<typeof startZipkinReceiver>>;
  let client: ProxyServer;
  let server: ProxyServer;
  let clientPort: number;

  before(async () => {
    app = await startEchoBackend('app');
    otlp = await startOtlpReceiver();
    zipkin = await startZipkinReceiver();
    const inbound = await freePort();
    server = await start(
      sidecarBootstrap({
        node: meshNode(
          'sidecar~127.0.0.1~web-1.default~default.svc.cluster.local',
          { app: 'web', version: 'v1' },
          'web',
        ),
        name: 'inbound',
        port: inbound,
        direction: 'INBOUND',
        cluster: 'inbound|8080||',
        upstreamPort: app.port,
        hcmExtra: { tracing: zipkinTracing('zipkin') },
        clusters: [staticCluster('zipkin', [zipkin.port])],
      }),
    );
    client = await start(
      sidecarBootstrap({
        node: meshNode(
          'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local',
          { app: 'client' },
          'client',
        ),
        name: 'outbound',
        port: 0,
        direction: 'OUTBOUND',
        cluster: WEB,
        upstreamPort: inbound,
        hcmExtra: { tracing: otelTracing('otel') },
        clusters: [staticCluster('otel', [otlp.port])],
      }),
    );
    clientPort = client.listenerPort('outbound');
  });

  after(async () => {
    await client?.stop(0);
    await server?.stop(0);
    await app?.close();
    await otlp?.close();
    zipkin?.close();
  });

  /** Sends one request with `headers`; returns the two spans it produced (client via OTLP, server via Zipkin). */
  async function traced(
    headers: Record<string, string>,
  ): Promise<{ c: OtlpSpan; s: ZipkinSpan; seen: Record<string, unknown> }> {
    const rid = `rid-${Math.random()}`;
    const reply = await httpRequest(clientPort, '/hello?x=1', {
      headers: { host: 'web:8080', 'x-request-id': rid, ...headers },
    });
    assert.equal(reply.status, 200);
    const seen = app.seen[app.seen.length - 1]!.headers as Record<string, unknown>;
    const c = await until('the client span', () =>
      otlp.spans.find((s) => s.attributes['guid:x-request-id'] === rid),
    );
    const s = await until('the server span', () =>
      zipkin.spans.find((x) => x.tags['guid:x-request-id'] === rid),
    );
    return { c, s, seen };
  }

  it('links client and server spans under an incoming W3C traceparent', async () => {
    const { c, s, seen } = await traced({ traceparent: `00-${TRACE}-${CALLER}-01` });
    assert.equal(c.traceId, TRACE);
    assert.equal(c.parentSpanId, CALLER);
    assert.equal(c.kind, 3, 'CLIENT');
    assert.equal(c.serviceName, 'client.default');
    assert.equal(s.traceId, TRACE);
    assert.equal(s.parentId, c.spanId, 'server span is the child of the client span');
    assert.equal(s.kind, 'SERVER');
    assert.equal(seen['traceparent'], `00-${TRACE}-${s.id}-01`, 'the app sees the server span as parent');
    assert.equal(c.attributes['http.status_code'], '200');
    assert.equal(c.attributes['upstream_cluster'], WEB);
    assert.equal(c.attributes['node_id'], 'sidecar~127.0.0.1~client-1.default~default.svc.cluster.local');
    assert.equal(c.attributes['istio.canonical_service'], 'client');
    assert.equal(s.tags['istio.canonical_service'], 'web');
    assert.equal(s.tags['http.url'], 'http://web:8080/hello?x=1');
    assert.equal(s.tags['upstream_cluster'], 'inbound|8080||');
  });

  it('honours B3 single and multi headers', async () => {
    const single = await traced({ b3: `${TRACE}-${CALLER}-1` });
    assert.deepEqual([single.c.traceId, single.c.parentSpanId], [TRACE, CALLER]);
    assert.equal(single.s.parentId, single.c.spanId);
    const multi = await traced({ 'x-b3-traceid': TRACE, 'x-b3-spanid': CALLER, 'x-b3-sampled': '1' });
    assert.deepEqual([multi.c.traceId, multi.c.parentSpanId], [TRACE, CALLER]);
    assert.equal(multi.s.traceId, TRACE);
    assert.equal(multi.seen['x-b3-spanid'], multi.s.id);
  });

  it('never samples a request whose caller decided against it', async () => {
    const before = otlp.spans.length + zipkin.spans.length;
    const reply = await httpRequest(clientPort, '/', {
      headers: { host: 'web:8080', traceparent: `00-${TRACE}-${CALLER}-00` },
    });
    assert.equal(reply.status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(otlp.spans.length + zipkin.spans.length, before);
  });
});

describe('sampling percentages', () => {
  let app: Backend;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const proxies: ProxyServer[] = [];

  before(async () => {
    app = await startEchoBackend('app');
    otlp = await startOtlpReceiver();
  });

  after(async () => {
    for (const p of proxies) await p.stop(0);
    await app?.close();
    await otlp?.close();
  });

  async function spansAt(percent: number, n: number): Promise<number> {
    const p = await start(
      sidecarBootstrap({
        node: meshNode(
          `sidecar~127.0.0.1~s${percent}.default~default.svc.cluster.local`,
          { app: `s${percent}` },
          `s${percent}`,
        ),
        name: 'outbound',
        port: 0,
        direction: 'OUTBOUND',
        cluster: 'app',
        upstreamPort: app.port,
        hcmExtra: { tracing: otelTracing('otel', percent) },
        clusters: [staticCluster('otel', [otlp.port])],
      }),
    );
    proxies.push(p);
    const port = p.listenerPort('outbound');
    for (let i = 0; i < n; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, () => httpRequest(port, '/', { headers: { host: 'app' } })),
      );
    const sampled = p.stats.counters.get('http.outbound.tracing.random_sampling')?.value ?? 0;
    const notSampled = p.stats.counters.get('http.outbound.tracing.not_traceable')?.value ?? 0;
    assert.equal(sampled + notSampled, n);
    const received = () =>
      otlp.spans.filter((s) => s.attributes['istio.canonical_service'] === `s${percent}`).length;
    await until('every sampled span at the receiver', () => (received() === sampled ? true : undefined));
    return received();
  }

  it('samples 0%, 100% and about 50% as configured', async () => {
    assert.equal(await spansAt(0, 100), 0);
    assert.equal(await spansAt(100, 100), 100);
    const n = 400;
    const half = await spansAt(50, n);
    const { lo, hi } = binomialBounds(n, 0.5);
    assert.ok(half >= lo && half <= hi, `${half} of ${n} sampled at 50% (expected ${lo}..${hi})`);
  });
});
