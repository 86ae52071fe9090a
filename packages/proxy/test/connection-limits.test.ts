/**
 * Connection manager limits users set in Envoy config, observed from real clients:
 * max_requests_per_connection and max_connection_duration downstream (HTTP/1.1 and HTTP/2),
 * request_headers_timeout, the route's idle_timeout, and path normalization before routing.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { stat, waitForStat } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { connectRaw, parseResponses } from './helpers/raw-socket.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('connection manager limits', () => {
  let echo: Backend;
  let proxy: RunningProxy;
  let admin: number;

  before(async () => {
    echo = await startEchoBackend();
    const routes = [
      { match: { path: '/b' }, direct_response: { status: 200, body: { inline_string: 'b' } } },
      { match: { prefix: '/delay/' }, route: { cluster: 'echo', idle_timeout: '0.3s', timeout: '0s' } },
      { match: { prefix: '/' }, route: { cluster: 'echo' } },
    ];
    const limits = (name: string, extra: Record<string, unknown>) =>
      listener(name, [{ filters: [hcm(routeConfig(routes), { stat_prefix: name, ...extra })] }]);
    proxy = await startProxy(
      bootstrap(
        [
          limits('maxreq', { common_http_protocol_options: { max_requests_per_connection: 3 } }),
          limits('maxdur', { common_http_protocol_options: { max_connection_duration: '0.3s' } }),
          limits('headers', { request_headers_timeout: '0.3s' }),
          limits('norm', { normalize_path: true, merge_slashes: true }),
          limits('raw', {}),
        ],
        [staticCluster('echo', [echo.port])],
      ),
    );
    admin = proxy.adminPort;
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
  });

  it('closes an HTTP/1.1 connection after max_requests_per_connection', async () => {
    const c = await connectRaw(proxy.port('maxreq'));
    c.socket.write('GET /b HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(4));
    await c.closed;
    const responses = parseResponses(c.received());
    assert.equal(responses.length, 3);
    assert.equal(responses[2]!.headers['connection'], 'close');
    assert.equal(await stat(admin, 'http.maxreq.downstream_cx_max_requests_reached'), 1);
  });

  it('sends GOAWAY to an HTTP/2 client after max_requests_per_connection', async () => {
    const session = http2.connect(`http://127.0.0.1:${proxy.port('maxreq')}`);
    session.on('error', () => {});
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    const get = () =>
      new Promise<number>((resolve) => {
        const req = session.request({ ':path': '/b' });
        let status = 0;
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('error', () => resolve(-1));
        req.resume();
        req.on('end', () => resolve(status));
      });
    assert.deepEqual([await get(), await get(), await get()], [200, 200, 200]);
    await waitForStat(admin, 'http.maxreq.downstream_cx_max_requests_reached', (v) => v === 2);
    await new Promise<void>((r) => (session.closed ? r() : session.on('close', () => r())));
    assert.ok(goaway);
  });

  it('drains a connection at max_connection_duration', async () => {
    const c = await connectRaw(proxy.port('maxdur'));
    c.socket.write('GET /b HTTP/1.1\r\nhost: x\r\n\r\n');
    await c.waitForData('a response', (t) => t.endsWith('b'));
    await c.closed;
    assert.equal(await stat(admin, 'http.maxdur.downstream_cx_max_duration_reached'), 1);
  });

  it('answers 408 when the request head does not arrive within request_headers_timeout', async () => {
    const c = await connectRaw(proxy.port('headers'));
    c.socket.write('GET /b HTTP/1.1\r\nhost: x\r\n');
    await c.closed;
    assert.match(c.received(), /^HTTP\/1\.1 408 /);
    assert.equal(await stat(admin, 'http.headers.downstream_rq_header_timeout'), 1);
    // A head that completes in time is unaffected, also on a connection kept alive past the timeout.
    assert.equal((await curl([`http://127.0.0.1:${proxy.port('headers')}/b`])).status, 200);
  });

  it("applies the route's idle_timeout to a silent upstream", async () => {
    const r = await curl([`http://127.0.0.1:${proxy.port('raw')}/delay/3000`]);
    assert.equal(r.status, 408);
    assert.equal(r.body, 'stream timeout');
  });

  it('normalizes the path and merges slashes before routing when asked, and not otherwise', async () => {
    for (const path of ['/a/../b', '/%62', '//b', '/./b']) {
      const normalized = await curl(['--path-as-is', `http://127.0.0.1:${proxy.port('norm')}${path}`]);
      assert.equal(normalized.body, 'b', path);
      const raw = await curl(['--path-as-is', `http://127.0.0.1:${proxy.port('raw')}${path}`]);
      assert.notEqual(raw.body, 'b', path);
    }
    const bad = await curl(['--path-as-is', `http://127.0.0.1:${proxy.port('norm')}/%zz`]);
    assert.equal(bad.status, 400);
  });
});
