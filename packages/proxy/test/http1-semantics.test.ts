/**
 * HTTP/1.x behaviour a client sees through the proxy: HTTP/1.0 with and without
 * accept_http_10, pipelined requests, the absolute-form request target (the proxy used as an
 * HTTP proxy with `curl -x`), x-forwarded-for and x-request-id with use_remote_address off and
 * on, and the server header transformations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats, stat } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, staticCluster } from './helpers/bootstrap.ts';
import { curl, run } from './helpers/exec.ts';
import { connectRaw, parseResponses, settlesWithin } from './helpers/raw-socket.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function vhost(
  name: string,
  domains: string[],
  tag: string,
): { name: string; domains: string[]; routes: Record<string, unknown>[] } {
  return {
    name,
    domains,
    routes: [
      {
        match: { prefix: '/' },
        route: { cluster: 'echo' },
        request_headers_to_add: [{ header: { key: 'x-vhost', value: tag } }],
      },
    ],
  };
}

const all = vhost('all', ['*'], 'any');
// Routes the router answers itself (local replies).
all.routes.unshift(
  { match: { prefix: '/direct' }, direct_response: { status: 200, body: { inline_string: 'direct\n' } } },
  { match: { prefix: '/redirect' }, redirect: { path_redirect: '/elsewhere' } },
);

const ROUTES = {
  name: 'vhosts',
  virtual_hosts: [
    vhost('legacy', ['legacy.example'], 'legacy'),
    vhost('svc', ['svc.example'], 'svc'),
    { name: 'empty', domains: ['empty.example'], routes: [] },
    all,
  ],
};

describe('HTTP/1.x semantics', () => {
  let echo: Backend;
  let proxy: RunningProxy;
  const url = (l: string, path: string): string => `http://127.0.0.1:${proxy.port(l)}${path}`;

  before(async () => {
    echo = await startEchoBackend('echo');
    const l = (name: string, extra: Record<string, unknown>) =>
      listener(name, [{ filters: [hcm(ROUTES, { stat_prefix: name.replace(/-/g, '_'), ...extra })] }]);
    proxy = await startProxy(
      bootstrap(
        [
          l('default', {}),
          l('http10', {
            http_protocol_options: { accept_http_10: true, default_host_for_http_10: 'legacy.example' },
          }),
          l('edge', { use_remote_address: true }),
          l('edge-preserve', { use_remote_address: true, preserve_external_request_id: true }),
          l('srv-overwrite', { server_name: 'tandem-test' }),
          l('srv-append', { server_name: 'tandem-test', server_header_transformation: 'APPEND_IF_ABSENT' }),
          l('srv-pass', { server_name: 'tandem-test', server_header_transformation: 'PASS_THROUGH' }),
        ],
        [staticCluster('echo', [echo.port])],
      ),
    );
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
  });

  describe('HTTP/1.0', () => {
    it('is refused with 426 unless accept_http_10 is set', async () => {
      const seen = echo.seen.length;
      const r = await curl(['--http1.0', url('default', '/old')]);
      assert.equal(r.status, 426);
      assert.deepEqual(r.headers.server, ['envoy']);
      assert.equal(echo.seen.length, seen, 'the request never reached the backend');
      assert.equal(await stat(proxy.adminPort, 'http.default.downstream_rq_4xx'), 1);
    });

    it('is served with accept_http_10, framed without chunking, and the connection closes', async () => {
      const r = await curl(['--http1.0', url('http10', '/old?q=1')]);
      assert.equal(r.status, 200);
      const body = JSON.parse(r.body);
      assert.equal(body.url, '/old?q=1');
      assert.equal(body.headers.host, `127.0.0.1:${proxy.port('http10')}`);
      // A chunked upstream response reaches an HTTP/1.0 client close-delimited.
      const c = await connectRaw(proxy.port('http10'));
      c.socket.write('GET /drip/3/10 HTTP/1.0\r\nHost: x\r\n\r\n');
      assert.ok(await settlesWithin(c.closed, 5000), 'the proxy closes after the response');
      const [res] = parseResponses(c.received(), true);
      assert.equal(res?.status, 200);
      assert.equal(res?.headers['transfer-encoding'], undefined);
      assert.equal(res?.body, 'chunk\nchunk\nchunk\n');
      const stats = await readStats(proxy.adminPort);
      assert.equal(stats.get('http.http10.downstream_rq_2xx'), 2);
      assert.equal(stats.get('http.http10.downstream_rq_http1_total'), 2);
    });

    it('routes a request without Host to default_host_for_http_10', async () => {
      const c = await connectRaw(proxy.port('http10'));
      c.socket.write('GET /nohost HTTP/1.0\r\n\r\n');
      assert.ok(await settlesWithin(c.closed, 5000));
      const [res] = parseResponses(c.received(), true);
      assert.equal(res?.status, 200);
      const body = JSON.parse(res!.body);
      assert.equal(body.headers.host, 'legacy.example');
      assert.equal(body.headers['x-vhost'], 'legacy');
    });

    it('keeps an HTTP/1.0 connection alive when the client asks for it', async () => {
      const c = await connectRaw(proxy.port('http10'));
      const req = 'GET /ka HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n';
      c.socket.write(req);
      await c.waitForData('the first response', (t) => parseResponses(t).length === 1);
      assert.equal(parseResponses(c.received())[0]!.headers.connection, 'keep-alive');
      c.socket.write(req);
      await c.waitForData('the second response', (t) => parseResponses(t).length === 2);
      assert.equal(parseResponses(c.received())[1]!.status, 200);
      c.socket.destroy();
    });
  });

  it('answers pipelined requests in order on one connection', async () => {
    const cx = await stat(proxy.adminPort, 'http.default.downstream_cx_total');
    const rq = await stat(proxy.adminPort, 'http.default.downstream_rq_total');
    const c = await connectRaw(proxy.port('default'));
    // The first answer is the slowest: order must still hold.
    c.socket.write(
      'GET /delay/150?n=1 HTTP/1.1\r\nHost: x\r\n\r\n' +
        'POST /x?n=2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello' +
        'GET /delay/30?n=3 HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /x?n=4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.ok(await settlesWithin(c.closed, 5000), 'the proxy closes after the last response');
    const responses = parseResponses(c.received());
    assert.deepEqual(
      responses.map((r) => [r.status, JSON.parse(r.body).url]),
      [
        [200, '/delay/150?n=1'],
        [200, '/x?n=2'],
        [200, '/delay/30?n=3'],
        [200, '/x?n=4'],
      ],
    );
    assert.equal(JSON.parse(responses[1]!.body).bodyBytes, 5);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('http.default.downstream_cx_total'), cx + 1);
    assert.equal(stats.get('http.default.downstream_rq_total'), rq + 4);
  });

  it('keeps serving a keep-alive connection after local replies, pipelined or not', async () => {
    const c = await connectRaw(proxy.port('default'));
    c.socket.write(
      'GET /direct HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /x HTTP/1.1\r\nHost: empty.example\r\n\r\n' +
        'GET /redirect HTTP/1.1\r\nHost: x\r\n\r\n' +
        'HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.ok(await settlesWithin(c.closed, 5000), 'every response came and the connection closed');
    const text = c.received();
    assert.deepEqual(
      [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1])),
      [200, 404, 301, 200, 200],
    );
    assert.ok(text.includes('direct\n'));
    assert.match(text, /"url":"\/last"/);
    // curl reuses one connection for all four URLs.
    const base = `http://127.0.0.1:${proxy.port('default')}`;
    const urls = ['/direct', '/x', '/redirect', '/y'].flatMap((p) => ['-o', '/dev/null', `${base}${p}`]);
    const r = await run('curl', ['-sS', '--max-time', '5', '-w', '%{http_code} %{num_connects}\\n', ...urls]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '200 1\n200 0\n301 0\n200 0\n');
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('http.default.rq_direct_response'), 2);
    assert.equal(stats.get('http.default.rq_redirect'), 2);
    assert.equal(stats.get('http.default.no_route'), 1);
  });

  it('routes an absolute-form request target by its authority (curl -x)', async () => {
    const r = await curl(['-x', `http://127.0.0.1:${proxy.port('default')}`, 'http://svc.example/abs?q=1']);
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body);
    assert.equal(body.url, '/abs?q=1');
    assert.equal(body.headers.host, 'svc.example');
    assert.equal(body.headers['x-vhost'], 'svc');
    assert.equal(body.headers['proxy-connection'], undefined);
    // The authority of the absolute form wins over a different Host header (RFC 9112 3.2.2).
    const c = await connectRaw(proxy.port('default'));
    c.socket.write('GET http://svc.example/other HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n');
    await c.waitForData('the response', (t) => parseResponses(t).length === 1);
    const other = JSON.parse(parseResponses(c.received())[0]!.body);
    assert.equal(other.url, '/other');
    assert.equal(other.headers['x-vhost'], 'svc');
    c.socket.destroy();
  });

  it('ignores an h2c upgrade offer and answers over HTTP/1.1 (curl --http2 on http://)', async () => {
    for (const extra of [[], ['--data-binary', 'hello']]) {
      const r = await curl(['--http2', ...extra, url('default', '/h2c')]);
      assert.equal(r.status, 200, r.body);
      const body = JSON.parse(r.body);
      assert.equal(body.bodyBytes, extra.length === 0 ? 0 : 5);
      assert.equal(body.headers.upgrade, undefined);
      assert.equal(body.headers['http2-settings'], undefined);
      assert.equal(body.headers.connection, undefined);
    }
    assert.equal(await stat(proxy.adminPort, 'http.default.downstream_rq_upgrades_total'), 0);
  });

  describe('x-forwarded-for and x-request-id', () => {
    it('keeps the client x-forwarded-for and appends nothing when use_remote_address is false', async () => {
      const withXff = JSON.parse(
        (await curl(['-H', 'x-forwarded-for: 203.0.113.7', url('default', '/')])).body,
      );
      assert.equal(withXff.headers['x-forwarded-for'], '203.0.113.7');
      const without = JSON.parse((await curl([url('default', '/')])).body);
      assert.equal(without.headers['x-forwarded-for'], undefined);
      assert.equal(without.headers['x-forwarded-proto'], 'http');
    });

    it('appends the peer address when use_remote_address is true', async () => {
      const r = JSON.parse((await curl(['-H', 'x-forwarded-for: 203.0.113.7', url('edge', '/')])).body);
      assert.equal(r.headers['x-forwarded-for'], '203.0.113.7,127.0.0.1');
    });

    it('keeps a client x-request-id on an internal hop and generates one when absent', async () => {
      const kept = JSON.parse((await curl(['-H', 'x-request-id: abc-123', url('default', '/')])).body);
      assert.equal(kept.headers['x-request-id'], 'abc-123');
      const generated = JSON.parse((await curl([url('default', '/')])).body);
      assert.match(generated.headers['x-request-id'], UUID);
    });

    it('replaces an external x-request-id at the edge unless preserve_external_request_id', async () => {
      const edge = JSON.parse((await curl(['-H', 'x-request-id: abc-123', url('edge', '/')])).body);
      assert.match(edge.headers['x-request-id'], UUID);
      const kept = JSON.parse((await curl(['-H', 'x-request-id: abc-123', url('edge-preserve', '/')])).body);
      assert.equal(kept.headers['x-request-id'], 'abc-123');
    });
  });

  describe('server header', () => {
    const server = async (l: string, backendServer?: string): Promise<string[] | undefined> => {
      const args = backendServer === undefined ? [] : ['-H', `x-respond-server: ${backendServer}`];
      const r = await curl([...args, url(l, '/')]);
      assert.equal(r.status, 200);
      return r.headers.server;
    };

    it('OVERWRITE replaces the upstream server header with server_name', async () => {
      assert.deepEqual(await server('srv-overwrite', 'backend/1'), ['tandem-test']);
      assert.deepEqual(await server('srv-overwrite'), ['tandem-test']);
      assert.deepEqual(await server('default', 'backend/1'), ['envoy']);
    });

    it('APPEND_IF_ABSENT keeps the upstream one and adds server_name when there is none', async () => {
      assert.deepEqual(await server('srv-append', 'backend/1'), ['backend/1']);
      assert.deepEqual(await server('srv-append'), ['tandem-test']);
    });

    it('PASS_THROUGH passes the upstream one and adds none', async () => {
      assert.deepEqual(await server('srv-pass', 'backend/1'), ['backend/1']);
      assert.equal(await server('srv-pass'), undefined);
    });

    it('applies to replies the codec writes itself (426, malformed requests)', async () => {
      assert.deepEqual((await curl(['--http1.0', url('srv-overwrite', '/')])).headers.server, [
        'tandem-test',
      ]);
      assert.equal((await curl(['--http1.0', url('srv-pass', '/')])).headers.server, undefined);
      const c = await connectRaw(proxy.port('srv-append'));
      c.socket.write('GET /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n');
      assert.ok(await settlesWithin(c.closed, 3000));
      const [res] = parseResponses(c.received());
      assert.equal(res?.status, 400);
      assert.equal(res?.headers.server, 'tandem-test');
    });
  });
});
