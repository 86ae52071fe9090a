/**
 * Draining from the admin API: POST /drain_listeners stops accepting (new connections are
 * refused), lets in-flight requests finish, closes idle keep-alive connections and sends GOAWAY
 * on HTTP/2; /healthcheck/fail makes /ready answer 503 until /healthcheck/ok.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { adminRequest, stat, waitFor, waitForStat } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { httpRequest } from './helpers/http-client.ts';
import { connectRaw, parseResponses, settlesWithin } from './helpers/raw-socket.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('draining', () => {
  let echo: Backend;
  let proxy: RunningProxy;

  const start = async (): Promise<RunningProxy> => {
    const rc = routeConfig([{ match: { prefix: '/' }, route: { cluster: 'echo' } }]);
    return startProxy(
      bootstrap([listener('ingress', [{ filters: [hcm(rc)] }])], [staticCluster('echo', [echo.port])]),
    );
  };

  before(async () => {
    echo = await startEchoBackend('echo');
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
  });

  it('POST /drain_listeners refuses new connections and finishes in-flight requests', async () => {
    proxy = await start();
    const port = proxy.port();
    const admin = proxy.adminPort;
    assert.equal((await adminRequest(admin, '/drain_listeners')).status, 405, 'GET is refused');
    // An idle keep-alive HTTP/1.1 connection, an HTTP/1.1 request in flight, and an HTTP/2
    // stream in flight.
    const idle = await connectRaw(port);
    idle.socket.write('GET /first HTTP/1.1\r\nhost: t\r\n\r\n');
    await idle.waitForData('the first response', (t) => parseResponses(t).length === 1);
    const seen = echo.seen.length;
    const inflight = httpRequest(port, '/delay/400');
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    const stream = session.request({ ':path': '/delay/400?h2' });
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    const streamDone = new Promise<number>((resolve) => {
      let status = 0;
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.on('end', () => resolve(status));
    });
    await waitFor('both requests to reach the backend', () => echo.seen.length >= seen + 2);
    await waitForStat(admin, 'http.ingress_http.downstream_rq_active', (v) => v === 2);

    const r = await adminRequest(admin, '/drain_listeners', 'POST');
    assert.equal(r.status, 200);
    assert.ok(await refused(port), 'new connections are refused');
    assert.equal((await adminRequest(admin, '/ready')).status, 503);
    assert.ok(await settlesWithin(idle.closed, 3000), 'the idle keep-alive connection is closed');

    const done = await inflight;
    assert.equal(done.status, 200);
    assert.equal(done.headers.connection, 'close');
    assert.equal(await streamDone, 200);
    assert.equal(JSON.parse(Buffer.concat(chunks).toString()).url, '/delay/400?h2');
    await waitFor('GOAWAY on the HTTP/2 connection', () => goaway);
    session.close();
    await waitForStat(admin, 'http.ingress_http.downstream_cx_active', (v) => v === 0);
    assert.equal(await stat(admin, 'http.ingress_http.downstream_rq_active'), 0);
    assert.equal(await stat(admin, 'http.ingress_http.downstream_rq_rx_reset'), 0);
    await proxy.stop();
  });

  it('/healthcheck/fail makes /ready answer 503 until /healthcheck/ok, while traffic still flows', async () => {
    proxy = await start();
    const admin = proxy.adminPort;
    assert.equal((await adminRequest(admin, '/ready')).status, 200);
    assert.equal((await adminRequest(admin, '/healthcheck/fail', 'POST')).status, 200);
    const ready = await adminRequest(admin, '/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.body, 'DRAINING\n');
    assert.equal(JSON.parse((await adminRequest(admin, '/server_info')).body).state, 'DRAINING');
    // Failing health checks does not stop the listeners.
    const r = await curl([`http://127.0.0.1:${proxy.port()}/still`]);
    assert.equal(r.status, 200);
    assert.equal((await adminRequest(admin, '/healthcheck/ok', 'POST')).status, 200);
    const again = await adminRequest(admin, '/ready');
    assert.equal(again.status, 200);
    assert.equal(again.body, 'LIVE\n');
    await proxy.stop();
  });
});
