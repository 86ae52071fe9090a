/**
 * Malformed and tricky upstream HTTP/1 responses, sent by raw TCP servers, seen through the proxy
 * by curl: 502 when the response is bad before its head is forwarded, a reset or truncated
 * transfer once the head has gone out, the right body otherwise; the proxy keeps serving, and an
 * upstream connection is reused only when the previous response ended exactly where it should.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

/** What a scripted upstream does with the n-th request (0-based) on a connection. */
type Script = (socket: net.Socket, nth: number, request: string) => void;

interface RawUpstream {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Request heads received so far, across connections. */
  requests: string[];
  close(): Promise<void>;
}

/** A raw TCP upstream that reads request heads (GETs, no bodies) and answers by script. */
function rawUpstream(script: Script): Promise<RawUpstream> {
  const sockets = new Set<net.Socket>();
  const up: RawUpstream = { port: 0, connections: 0, requests: [], close: async () => {} };
  const server = net.createServer((s) => {
    up.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    let nth = 0;
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        up.requests.push(head);
        script(s, nth++, head);
      }
    });
  });
  up.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      up.port = (server.address() as net.AddressInfo).port;
      resolve(up);
    });
  });
}

/** Writes `text` and closes the connection. */
function sendAndClose(text: string): Script {
  return (s) => s.end(text, 'latin1');
}

/** Writes `text`, then resets the connection (no FIN: a crash mid-response). */
function sendAndReset(text: string): Script {
  return (s) => s.write(text, 'latin1', () => s.resetAndDestroy());
}

const OK = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;

/** Every scenario: a route prefix, its upstream's script. */
const SCRIPTS: Record<string, Script> = {
  'bad-status-line': sendAndClose('HTTP/1.1 2OO OK\r\ncontent-length: 2\r\n\r\nok'),
  'bad-version': sendAndClose('HTTP/2.0 200 OK\r\ncontent-length: 2\r\n\r\nok'),
  'lf-only': sendAndClose('HTTP/1.1 200 OK\ncontent-length: 2\n\nok'),
  'cl-and-te': sendAndClose(
    'HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
  ),
  'te-not-chunked': sendAndClose('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nxx'),
  'two-lengths': sendAndClose('HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nokk'),
  'huge-headers': sendAndClose(
    `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70 * 1024)}\r\ncontent-length: 2\r\n\r\nok`,
  ),
  'obs-fold': sendAndClose('HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\ncontent-length: 2\r\n\r\nok'),
  'bad-chunk-size': sendAndClose(
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  ),
  'chunk-overflow': sendAndClose(
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n',
  ),
  'chunk-no-crlf': sendAndClose('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n'),
  'close-delimited': sendAndClose('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end'),
  'http10-close-delimited': sendAndClose('HTTP/1.0 200 OK\r\n\r\nold style'),
  continue: (s) =>
    s.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n${OK('final')}`),
  'early-close-length': sendAndClose('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial'),
  'early-reset-chunked': sendAndReset(
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n7\r\npartial\r\n',
  ),
  'early-close-head': sendAndClose('HTTP/1.1 200 OK\r\ncontent-le'),
  'head-no-body': (s, _n, req) =>
    s.write(req.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n' : OK('hello world')),
  'no-content-with-length': (s) => s.write('HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n'),
  // More bytes than Content-Length: the excess is a whole second response, which must never be
  // taken as the answer to the next request on this connection.
  'extra-bytes': (s, n) => s.write(n === 0 ? `${OK('first')}${OK('SMUGGLED')}` : OK(`answer ${n}`), 'latin1'),
  // The same, with the stray bytes in a later read.
  'stray-bytes-later': (s, n) => {
    if (n > 0) return void s.write(OK(`answer ${n}`));
    s.write(OK('first'));
    setTimeout(() => s.write('junk after the body'), 20);
  },
  'chunked-keepalive': (s, n) =>
    s.write(
      `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n4\r\n-${n}-!\r\n0\r\nx-t: 1\r\n\r\n`,
    ),
  // A response, then (while the connection idles in the pool) an unsolicited second response.
  'idle-junk': (s, n) => {
    s.write(OK(`answer ${n}`));
    if (n === 0) setTimeout(() => s.write(OK('UNSOLICITED')), 50);
  },
  'unsolicited-101': sendAndClose(
    'HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: x\r\n\r\nraw',
  ),
  // The first request is answered and kept alive; a later one on it gets half a head and a close.
  'partial-head-on-reuse': (s, n) => {
    if (n === 0) s.write(OK('first'));
    else s.end('HTTP/1.1 200 OK\r\ncontent-');
  },
};

describe('malformed and tricky upstream HTTP/1 responses', () => {
  const ups = new Map<string, RawUpstream>();
  let echo: Backend;
  let proxy: RunningProxy;
  let base: string;

  before(async () => {
    echo = await startEchoBackend();
    const routes: Record<string, unknown>[] = [];
    const clusters: Record<string, unknown>[] = [staticCluster('echo', [echo.port])];
    for (const [name, script] of Object.entries(SCRIPTS)) {
      const up = await rawUpstream(script);
      ups.set(name, up);
      routes.push({ match: { prefix: `/${name}` }, route: { cluster: name, timeout: '3s' } });
      clusters.push(staticCluster(name, [up.port]));
    }
    routes.push({ match: { prefix: '/' }, route: { cluster: 'echo' } });
    proxy = await startProxy(
      bootstrap([listener('ingress', [{ filters: [hcm(routeConfig(routes))] }])], clusters),
    );
    base = `http://127.0.0.1:${proxy.port()}`;
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
    for (const up of ups.values()) await up.close();
  });

  async function assertStillServing(): Promise<void> {
    const r = await curl([`${base}/healthy`]);
    assert.equal(r.status, 200, 'the proxy keeps serving other requests');
  }

  async function stat(name: string): Promise<number> {
    const r = await curl([`http://127.0.0.1:${proxy.adminPort}/stats?filter=${name}`]);
    const m = new RegExp(`${name.replaceAll('.', '\\.')}: (\\d+)`).exec(r.body);
    return m ? Number(m[1]) : 0;
  }

  for (const name of [
    'bad-status-line',
    'bad-version',
    'lf-only',
    'cl-and-te',
    'te-not-chunked',
    'two-lengths',
    'huge-headers',
    'obs-fold',
    'early-close-head',
    'unsolicited-101',
  ]) {
    it(`answers 502 when the head is malformed or cut short: ${name}`, async () => {
      const r = await curl([`${base}/${name}`]);
      assert.equal(r.status, 502, r.raw.stderr);
      assert.match(r.body, /upstream connect error or disconnect\/reset before headers/);
      await assertStillServing();
    });
  }

  for (const name of [
    'bad-chunk-size',
    'chunk-overflow',
    'chunk-no-crlf',
    'early-close-length',
    'early-reset-chunked',
  ]) {
    it(`resets or truncates the transfer when the body goes wrong after the head: ${name}`, async () => {
      const r = await curl([`${base}/${name}`]);
      // curl: 18 partial file, 52 empty reply, 56 receive failure; never a clean exit.
      assert.ok([18, 52, 56].includes(r.raw.code ?? -1), `curl exit ${r.raw.code}: ${r.raw.stderr}`);
      assert.ok(!r.body.includes('hello') || name === 'chunk-no-crlf', 'no body bytes beyond the fault');
      await assertStillServing();
    });
  }

  it('relays a close-delimited body (re-framed as chunked) and the HTTP/1.0 one', async () => {
    const r = await curl([`${base}/close-delimited`]);
    assert.equal(r.raw.code, 0, r.raw.stderr);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'until the end');
    assert.deepEqual(r.headers['transfer-encoding'], ['chunked']);
    const old = await curl([`${base}/http10-close-delimited`]);
    assert.equal(old.status, 200);
    assert.equal(old.body, 'old style');
  });

  it('drops upstream 1xx interim responses and relays the final one', async () => {
    const r = await curl([`${base}/continue`]);
    assert.equal(r.raw.code, 0, r.raw.stderr);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'final');
    assert.doesNotMatch(r.raw.stdout, /HTTP\/1\.1 10[03]/);
  });

  it('reads no body after HEAD or 204 whatever Content-Length says, and reuses the connection', async () => {
    const up = ups.get('head-no-body')!;
    const head = await curl(['-I', `${base}/head-no-body`]);
    assert.equal(head.status, 200);
    assert.deepEqual(head.headers['content-length'], ['11']);
    const get = await curl([`${base}/head-no-body`]);
    assert.equal(get.body, 'hello world');
    assert.equal(up.connections, 1);
    const none = await curl([`${base}/no-content-with-length`]);
    assert.equal(none.status, 204);
    assert.equal(none.body, '');
    assert.equal(none.raw.code, 0, none.raw.stderr);
  });

  it('never answers a request with bytes left over from the previous response', async () => {
    const up = ups.get('extra-bytes')!;
    const first = await curl([`${base}/extra-bytes/1`]);
    assert.equal(first.status, 200);
    assert.equal(first.body, 'first');
    const second = await curl([`${base}/extra-bytes/2`]);
    assert.equal(second.status, 200);
    // A fresh connection answers (its first request again), never the leftover 'SMUGGLED'.
    assert.equal(second.body, 'first');
    assert.equal(up.connections, 2);
  });

  it('does not reuse a connection whose response was followed by stray bytes', async () => {
    const up = ups.get('stray-bytes-later')!;
    assert.equal((await curl([`${base}/stray-bytes-later`])).body, 'first');
    await new Promise((r) => setTimeout(r, 100));
    const second = await curl([`${base}/stray-bytes-later`]);
    assert.equal(second.status, 200, second.raw.stderr);
    assert.equal(second.body, 'first');
    assert.equal(up.connections, 2);
  });

  it('reuses the connection after a chunked response with extensions and trailers', async () => {
    const up = ups.get('chunked-keepalive')!;
    for (let i = 0; i < 3; i++) {
      const r = await curl([`${base}/chunked-keepalive`]);
      assert.equal(r.raw.code, 0, r.raw.stderr);
      // curl -D - prints the trailer section after the body.
      assert.equal(r.body, `abc-${i}-!x-t: 1\r\n`);
    }
    assert.equal(up.connections, 1);
  });

  it('closes an idle upstream connection that sends unsolicited bytes', async () => {
    const up = ups.get('idle-junk')!;
    const first = await curl([`${base}/idle-junk`]);
    assert.equal(first.body, 'answer 0');
    await new Promise((r) => setTimeout(r, 200));
    const second = await curl([`${base}/idle-junk`]);
    assert.equal(second.status, 200, second.raw.stderr);
    assert.equal(second.body, 'answer 0', 'a fresh connection answered');
    assert.equal(up.connections, 2);
  });

  it('does not retry a request whose reused connection died in the middle of the response head', async () => {
    const up = ups.get('partial-head-on-reuse')!;
    const first = await curl([`${base}/partial-head-on-reuse`]);
    assert.equal(first.body, 'first');
    const before = up.requests.length;
    const second = await curl([`${base}/partial-head-on-reuse`]);
    assert.equal(second.status, 502);
    assert.equal(up.requests.length, before + 1, 'sent once: response bytes had arrived, so no stale retry');
  });

  it('counts upstream protocol errors', async () => {
    assert.ok((await stat('cluster.bad-status-line.upstream_rq_rx_reset')) >= 1);
  });
});
