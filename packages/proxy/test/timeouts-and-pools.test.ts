/**
 * Connection pool limits and idle timeouts, upstream and downstream: max_requests_per_connection
 * closes an upstream connection after N requests, an upstream idle_timeout closes idle pooled
 * connections, the HCM's stream_idle_timeout answers 408 to a client that stops sending mid-body
 * (and abandons the upstream request), and the HCM's idle_timeout closes idle client connections.
 * Waits poll /stats or socket state; nothing sleeps a fixed time.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { readStats, stat, waitFor, waitForStat } from './helpers/admin.ts';
import { type Backend, startEchoBackend, startH2Backend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { countBackends, httpRequest } from './helpers/http-client.ts';
import { connectRaw, settlesWithin } from './helpers/raw-socket.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const HTTP_OPTIONS_TYPE = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function upstreamOptions(h2: boolean, common: Record<string, unknown>): Record<string, unknown> {
  return {
    typed_extension_protocol_options: {
      [HTTP_OPTIONS]: {
        '@type': HTTP_OPTIONS_TYPE,
        explicit_http_config: h2 ? { http2_protocol_options: {} } : { http_protocol_options: {} },
        common_http_protocol_options: common,
      },
    },
  };
}

describe('connection pools and timeouts', () => {
  const b: Record<string, Backend> = {};
  let proxy: RunningProxy;
  let admin: number;

  before(async () => {
    for (const n of ['maxreq', 'idle', 'body']) b[n] = await startEchoBackend(n);
    for (const n of ['h2maxreq', 'h2idle', 'h2body']) b[n] = await startH2Backend(n);
    const names = Object.keys(b);
    const rc = routeConfig(
      names.map((n) => ({ match: { prefix: `/${n}/` }, route: { cluster: n, prefix_rewrite: '/' } })),
    );
    proxy = await startProxy(
      bootstrap(
        [
          listener('pool', [{ filters: [hcm(rc, { stat_prefix: 'pool' })] }]),
          listener('stream-idle', [
            { filters: [hcm(rc, { stat_prefix: 'stream_idle', stream_idle_timeout: '0.5s' })] },
          ]),
          listener('cx-idle', [
            {
              filters: [
                hcm(rc, { stat_prefix: 'cx_idle', common_http_protocol_options: { idle_timeout: '0.3s' } }),
              ],
            },
          ]),
        ],
        [
          staticCluster(
            'maxreq',
            [b.maxreq!.port],
            upstreamOptions(false, { max_requests_per_connection: 3 }),
          ),
          staticCluster(
            'h2maxreq',
            [b.h2maxreq!.port],
            upstreamOptions(true, { max_requests_per_connection: 3 }),
          ),
          staticCluster('idle', [b.idle!.port], upstreamOptions(false, { idle_timeout: '0.3s' })),
          staticCluster('h2idle', [b.h2idle!.port], upstreamOptions(true, { idle_timeout: '0.3s' })),
          staticCluster('body', [b.body!.port]),
          staticCluster('h2body', [b.h2body!.port], upstreamOptions(true, {})),
        ],
      ),
    );
    admin = proxy.adminPort;
  });

  after(async () => {
    await proxy?.stop();
    for (const x of Object.values(b)) await x.close();
  });

  for (const [cluster, label] of [
    ['maxreq', 'HTTP/1.1'],
    ['h2maxreq', 'HTTP/2'],
  ] as const) {
    it(`max_requests_per_connection closes an ${label} upstream connection after 3 requests`, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const counts = await countBackends(9, 1, () =>
          httpRequest(proxy.port('pool'), `/${cluster}/x`, { agent }),
        );
        assert.equal(counts.get(cluster), 9);
      } finally {
        agent.destroy();
      }
      assert.equal(b[cluster]!.connectionCount(), 3);
      await waitForStat(admin, `cluster.${cluster}.upstream_cx_active`, (v) => v === 0);
      const stats = await readStats(admin);
      assert.equal(stats.get(`cluster.${cluster}.upstream_cx_total`), 3);
      assert.equal(stats.get(`cluster.${cluster}.upstream_cx_max_requests`), 3);
      assert.equal(stats.get(`cluster.${cluster}.upstream_rq_total`), 9);
      await waitFor('the backend to see its connections closed', () => b[cluster]!.openConnections() === 0);
    });
  }

  for (const [cluster, label] of [
    ['idle', 'HTTP/1.1'],
    ['h2idle', 'HTTP/2'],
  ] as const) {
    it(`an ${label} upstream idle_timeout closes the idle pooled connection`, async () => {
      const r = await httpRequest(proxy.port('pool'), `/${cluster}/x`);
      assert.equal(r.status, 200);
      await waitForStat(admin, `cluster.${cluster}.upstream_cx_idle_timeout`, (v) => v === 1);
      await waitForStat(admin, `cluster.${cluster}.upstream_cx_active`, (v) => v === 0);
      await waitFor('the backend to see the connection closed', () => b[cluster]!.openConnections() === 0);
      // The next request opens a new connection.
      assert.equal((await httpRequest(proxy.port('pool'), `/${cluster}/y`)).status, 200);
      assert.equal(await stat(admin, `cluster.${cluster}.upstream_cx_total`), 2);
      assert.equal(b[cluster]!.connectionCount(), 2);
    });
  }

  it('an HTTP/2 upstream that answered before the request body ended still idles out', async () => {
    const before = await stat(admin, 'cluster.h2idle.upstream_cx_idle_timeout');
    const c = await connectRaw(proxy.port('pool'));
    c.socket.write('POST /h2idle/early HTTP/1.1\r\nhost: t\r\ncontent-length: 100\r\n\r\nabc');
    await c.waitForData('the early response', (t) => t.endsWith('early\n'));
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
    // The proxy abandons the rest of the request; the upstream session becomes idle.
    await waitForStat(admin, 'cluster.h2idle.upstream_rq_active', (v) => v === 0);
    await waitForStat(admin, 'cluster.h2idle.upstream_cx_idle_timeout', (v) => v === before + 1);
    await waitForStat(admin, 'cluster.h2idle.upstream_cx_active', (v) => v === 0);
    c.socket.destroy();
  });

  for (const [cluster, label] of [
    ['idle', 'HTTP/1.1'],
    ['h2idle', 'HTTP/2'],
  ] as const) {
    it(`an ${label} upstream idle_timeout spares a slow request, then closes the connection`, async () => {
      const before = await stat(admin, `cluster.${cluster}.upstream_cx_idle_timeout`);
      const r = await httpRequest(proxy.port('pool'), `/${cluster}/delay/800`);
      assert.equal(r.status, 200);
      assert.equal(await stat(admin, `cluster.${cluster}.upstream_cx_idle_timeout`), before);
      await waitForStat(admin, `cluster.${cluster}.upstream_cx_idle_timeout`, (v) => v === before + 1);
      await waitForStat(admin, `cluster.${cluster}.upstream_cx_active`, (v) => v === 0);
    });
  }

  it('stream_idle_timeout answers 408 to an HTTP/1.1 client that stops mid-body and abandons the upstream request', async () => {
    const c = await connectRaw(proxy.port('stream-idle'));
    c.socket.write('POST /body/x HTTP/1.1\r\nhost: t\r\ncontent-length: 10\r\n\r\nabc');
    await c.waitForData('a 408', (t) => t.includes('\r\n\r\n'));
    assert.match(c.received(), /^HTTP\/1\.1 408 /);
    assert.ok(await settlesWithin(c.closed, 3000), 'the proxy closes the connection');
    const stats = await readStats(admin);
    assert.equal(stats.get('http.stream_idle.downstream_rq_idle_timeout'), 1);
    assert.equal(stats.get('http.stream_idle.downstream_rq_4xx'), 1);
    // The upstream request went out with the first body bytes; it is reset, not left waiting.
    await waitForStat(admin, 'cluster.body.upstream_rq_active', (v) => v === 0);
    await waitFor('the upstream connection to close', () => b.body!.openConnections() === 0);
    assert.equal(await stat(admin, 'cluster.body.upstream_rq_tx_reset'), 1);
    await waitForStat(admin, 'http.stream_idle.downstream_rq_active', (v) => v === 0);
  });

  it('stream_idle_timeout spares a response that keeps streaming longer than the timeout', async () => {
    for (const version of ['--http1.1', '--http2-prior-knowledge']) {
      // 16 chunks 50 ms apart: 0.8 s in all, never quiet for the 0.5 s stream idle timeout.
      const r = await curl([version, `http://127.0.0.1:${proxy.port('stream-idle')}/body/drip/16/50`]);
      assert.equal(r.status, 200, version);
      assert.equal(r.body, 'chunk\n'.repeat(16), `${version}: ${r.raw.stderr}`);
    }
    assert.equal(await stat(admin, 'http.stream_idle.downstream_rq_tx_reset'), 0);
  });

  it('stream_idle_timeout answers 408 on an HTTP/2 stream that stops mid-body', async () => {
    const before = await stat(admin, 'http.stream_idle.downstream_rq_idle_timeout');
    const session = http2.connect(`http://127.0.0.1:${proxy.port('stream-idle')}`);
    try {
      const req = session.request({ ':method': 'POST', ':path': '/h2body/x' });
      req.write('abc');
      const status = await new Promise<number>((resolve) =>
        req.on('response', (h) => resolve(Number(h[':status']))),
      );
      assert.equal(status, 408);
      assert.equal(await stat(admin, 'http.stream_idle.downstream_rq_idle_timeout'), before + 1);
      await waitForStat(admin, 'cluster.h2body.upstream_rq_active', (v) => v === 0);
      assert.equal(await stat(admin, 'cluster.h2body.upstream_rq_tx_reset'), 1);
      await waitForStat(admin, 'http.stream_idle.downstream_rq_active', (v) => v === 0);
    } finally {
      session.destroy();
    }
  });

  it('the HCM idle_timeout closes an idle HTTP/1.1 client connection', async () => {
    const before = await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout');
    const c = await connectRaw(proxy.port('cx-idle'));
    c.socket.write('GET /body/x HTTP/1.1\r\nhost: t\r\n\r\n');
    await c.waitForData('a response', (t) => /\r\n\r\n\{.*\}$/s.test(t));
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
    assert.ok(await settlesWithin(c.closed, 3000), 'the proxy closes the idle connection');
    assert.equal(await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout'), before + 1);
    await waitForStat(admin, 'http.cx_idle.downstream_cx_active', (v) => v === 0);
  });

  it('the HCM idle_timeout closes an idle connection even when the client never closes its side', async () => {
    const c = await connectRaw(proxy.port('cx-idle'), '127.0.0.1', { allowHalfOpen: true });
    let fin = false;
    c.socket.on('end', () => (fin = true));
    c.socket.write('GET /body/x HTTP/1.1\r\nhost: t\r\n\r\n');
    await c.waitForData('a response', (t) => /\r\n\r\n\{.*\}$/s.test(t));
    await waitFor('the proxy to send FIN', () => fin);
    // The client keeps its half open; the proxy still lets go after delayed_close_timeout.
    await waitForStat(admin, 'http.cx_idle.downstream_cx_active', (v) => v === 0);
  });

  it('the HCM idle_timeout closes a connection that never sends a request', async () => {
    const before = await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout');
    const c = await connectRaw(proxy.port('cx-idle'));
    assert.ok(await settlesWithin(c.closed, 3000), 'the proxy closes the silent connection');
    assert.equal(await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout'), before + 1);
    await waitForStat(admin, 'http.cx_idle.downstream_cx_active', (v) => v === 0);
  });

  it('the HCM idle_timeout closes an idle HTTP/2 client connection', async () => {
    const before = await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout');
    const session = http2.connect(`http://127.0.0.1:${proxy.port('cx-idle')}`);
    const closed = new Promise<void>((r) => session.on('close', () => r()));
    session.on('error', () => {});
    const req = session.request({ ':path': '/h2body/x' });
    req.resume();
    await new Promise<void>((r) => req.on('end', () => r()));
    assert.ok(await settlesWithin(closed, 3000), 'the proxy closes the idle session');
    assert.equal(await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout'), before + 1);
    await waitForStat(admin, 'http.cx_idle.downstream_cx_active', (v) => v === 0);
  });

  it('the HCM idle_timeout leaves connections with an active request alone', async () => {
    const before = await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout');
    // HTTP/1.1: the response takes longer than the idle timeout.
    const c = await connectRaw(proxy.port('cx-idle'));
    c.socket.write('GET /body/delay/800 HTTP/1.1\r\nhost: t\r\n\r\n');
    await c.waitForData('the delayed response', (t) => /\r\n\r\n\{.*\}$/s.test(t));
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(c.received(), /connection: close/i);
    // Once idle, it goes.
    assert.ok(await settlesWithin(c.closed, 3000));
    assert.equal(await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout'), before + 1);
    // HTTP/2: a quiet stream keeps the session; a second request on it still works.
    const session = http2.connect(`http://127.0.0.1:${proxy.port('cx-idle')}`);
    session.on('error', () => {});
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = session.request({ ':path': path });
        let status = 0;
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('error', reject);
        req.resume();
        req.on('end', () => resolve(status));
      });
    assert.equal(await get('/h2body/delay/800'), 200);
    assert.equal(goaway, false);
    assert.equal(await get('/h2body/x'), 200);
    assert.equal(await stat(admin, 'http.cx_idle.downstream_cx_idle_timeout'), before + 1);
    await waitForStat(admin, 'http.cx_idle.downstream_cx_idle_timeout', (v) => v === before + 2);
    session.destroy();
  });
});
