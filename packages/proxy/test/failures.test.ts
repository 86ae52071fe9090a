/**
 * How the proxy answers when things go wrong, with the status codes and stats Envoy users expect:
 * 504 on route timeout, 502 on an upstream reset, 503 when no upstream is reachable, 408 when the
 * request does not arrive in time; plus Expect: 100-continue, chunked bodies, HEAD, and the
 * transparent retry of a request that met a stale keep-alive connection.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { freePort } from './helpers/free-port.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

/** A server that accepts connections and never answers. */
function blackHole(): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer((s) => s.on('error', () => {}));
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    );
  });
}

/**
 * A server that answers the first request on each connection and drops the connection when a
 * second one arrives on it: the race of a keep-alive timeout closing an idle connection just as
 * the proxy reuses it.
 */
function closesIdle(): Promise<{ server: net.Server; port: number; connections: () => number }> {
  let n = 0;
  return new Promise((resolve) => {
    const server = net.createServer((s) => {
      n++;
      let served = 0;
      s.on('error', () => {});
      s.on('data', () => {
        if (served++ > 0) return void s.destroy();
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
      });
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port, connections: () => n }),
    );
  });
}

describe('failure handling', () => {
  let echo: Backend;
  let hole: { server: net.Server; port: number };
  let stale: Awaited<ReturnType<typeof closesIdle>>;
  let proxy: RunningProxy;
  let base: string;

  before(async () => {
    echo = await startEchoBackend();
    hole = await blackHole();
    stale = await closesIdle();
    const dead = await freePort();
    const rc = routeConfig([
      { match: { prefix: '/slow' }, route: { cluster: 'hole', timeout: '0.2s' } },
      { match: { prefix: '/dead' }, route: { cluster: 'dead' } },
      { match: { prefix: '/empty' }, route: { cluster: 'empty' } },
      { match: { prefix: '/stale' }, route: { cluster: 'stale' } },
      { match: { prefix: '/' }, route: { cluster: 'echo' } },
    ]);
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(rc, { request_timeout: '0.3s' })] }])],
        [
          staticCluster('echo', [echo.port]),
          staticCluster('hole', [hole.port]),
          staticCluster('dead', [dead]),
          staticCluster('stale', [stale.port]),
          {
            name: 'empty',
            type: 'STATIC',
            connect_timeout: '1s',
            load_assignment: { cluster_name: 'empty', endpoints: [] },
          },
        ],
      ),
    );
    base = `http://127.0.0.1:${proxy.port()}`;
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
    hole?.server.close();
    stale?.server.close();
  });

  it('answers 504 when the route timeout expires', async () => {
    const r = await curl([`${base}/slow`]);
    assert.equal(r.status, 504);
    assert.equal(r.body, 'upstream request timeout');
    const stats = await curl([
      `http://127.0.0.1:${proxy.adminPort}/stats?filter=cluster.hole.upstream_rq_timeout`,
    ]);
    assert.match(stats.body, /cluster\.hole\.upstream_rq_timeout: 1/);
  });

  it('answers 503 when the upstream refuses connections', async () => {
    const r = await curl([`${base}/dead`]);
    assert.equal(r.status, 503);
    assert.match(r.body, /upstream connect error/);
  });

  it('answers 503 no healthy upstream for a cluster without endpoints', async () => {
    const r = await curl([`${base}/empty`]);
    assert.equal(r.status, 503);
    assert.equal(r.body, 'no healthy upstream');
  });

  it('answers 502 when the upstream resets before responding', async () => {
    const r = await curl([`${base}/close`]);
    assert.equal(r.status, 502);
    assert.match(r.body, /reset/);
  });

  it('answers 408 when the request body does not arrive within request_timeout', async () => {
    const text = await new Promise<string>((resolve) => {
      const s = net.connect(proxy.port(), '127.0.0.1', () =>
        s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'),
      );
      const chunks: Buffer[] = [];
      s.on('data', (d) => chunks.push(d));
      s.on('close', () => resolve(Buffer.concat(chunks).toString()));
    });
    assert.match(text, /^HTTP\/1\.1 408 /);
  });

  it('handles Expect: 100-continue and chunked uploads', async () => {
    const body = 'x'.repeat(5000);
    const r = await curl([
      '-H',
      'expect: 100-continue',
      '-H',
      'transfer-encoding: chunked',
      '--data-binary',
      body,
      `${base}/upload`,
    ]);
    assert.equal(r.status, 200);
    const got = JSON.parse(r.body);
    assert.equal(got.bodyBytes, 5000);
    assert.equal(got.headers.expect, undefined);
  });

  it('answers HEAD without a body but with the length', async () => {
    const r = await curl(['-I', `${base}/bytes/1234`]);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length']?.[0], '1234');
    assert.equal(r.body, '');
  });

  it('retries transparently when a kept-alive upstream connection was closed by the peer', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await curl([`${base}/stale`]);
      assert.equal(r.status, 200, `request ${i}`);
      assert.equal(r.body, 'ok');
    }
    assert.ok(stale.connections() >= 5);
  });

  it('reuses upstream connections (keep-alive)', async () => {
    await curl([`${base}/`]);
    const before = await curl([
      `http://127.0.0.1:${proxy.adminPort}/stats?filter=cluster.echo.upstream_cx_total`,
    ]);
    const n0 = Number(/: (\d+)/.exec(before.body)?.[1]);
    for (let i = 0; i < 5; i++) await curl([`${base}/`]);
    const afterStats = await curl([
      `http://127.0.0.1:${proxy.adminPort}/stats?filter=cluster.echo.upstream_cx_total`,
    ]);
    assert.equal(Number(/: (\d+)/.exec(afterStats.body)?.[1]), n0);
  });
});
