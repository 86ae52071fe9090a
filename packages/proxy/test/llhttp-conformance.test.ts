/**
 * Bad input, HTTP/1.1: every llhttp request case that llhttp rejects is sent raw to the proxy.
 * Each must get a 4xx/5xx answer or a closed connection, never reach the backend beyond the
 * messages llhttp completed before the error (no smuggled request), and the proxy must keep
 * serving afterwards.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { loadLlhttpCases } from './helpers/llhttp-cases.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

/** Sends bytes, half-closes, and collects everything until the proxy closes (or 5 s pass). */
function exchange(port: number, bytes: Buffer): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(bytes);
      s.end();
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false });
    }, 5000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
  });
}

describe('llhttp request cases against the proxy', () => {
  let backend: Backend;
  let proxy: RunningProxy;
  const cases = loadLlhttpCases('request').filter((c) => c.isError);

  before(async () => {
    backend = await startEchoBackend();
    const rc = routeConfig([{ match: { prefix: '/' }, route: { cluster: 'echo' } }]);
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(rc, { http_protocol_options: { accept_http_10: true } })] }])],
        [staticCluster('echo', [backend.port])],
      ),
    );
  });

  after(async () => {
    await proxy?.stop();
    await backend?.close();
  });

  it('has error cases to run', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} error cases found`);
  });

  for (const c of cases) {
    it(`${c.file}: ${c.title}`, async () => {
      const seenBefore = backend.seen.length;
      const { text, closed } = await exchange(proxy.port(), c.bytes);
      const statuses = [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((m) => Number(m[1]));
      const forwarded = backend.seen.length - seenBefore;
      assert.ok(
        forwarded <= c.completedBeforeError,
        `backend received ${forwarded} request(s); llhttp completed only ${c.completedBeforeError} before the error`,
      );
      const rejected = statuses.slice(c.completedBeforeError).some((s) => s >= 400);
      assert.ok(
        rejected || closed,
        `no error status and connection not closed; got ${JSON.stringify(text.slice(0, 200))}`,
      );
      const ok = await curl([`http://127.0.0.1:${proxy.port()}/still-serving`]);
      assert.equal(ok.status, 200);
    });
  }

  it('rejects oversized headers with 431', async () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(70 * 1024)}\r\n\r\n`;
    const { text } = await exchange(proxy.port(), Buffer.from(big));
    assert.match(text, /^HTTP\/1\.1 431 /);
  });

  it('rejects too many headers with 431', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `x-h${i}: v\r\n`).join('');
    const { text } = await exchange(proxy.port(), Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${lines}\r\n`));
    assert.match(text, /^HTTP\/1\.1 431 /);
  });

  it('rejects Content-Length with Transfer-Encoding (request smuggling) with 400 and forwards nothing', async () => {
    const seenBefore = backend.seen.length;
    const smuggle =
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
    const { text } = await exchange(proxy.port(), Buffer.from(smuggle));
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.equal(backend.seen.length, seenBefore);
  });

  it('rejects conflicting Content-Length headers', async () => {
    const req = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd';
    const { text } = await exchange(proxy.port(), Buffer.from(req));
    assert.match(text, /^HTTP\/1\.1 400 /);
  });

  it('counts protocol errors in stats', async () => {
    const r = await curl([`http://127.0.0.1:${proxy.adminPort}/stats?filter=downstream_cx_protocol_error`]);
    const m = /downstream_cx_protocol_error: (\d+)/.exec(r.body);
    assert.ok(m && Number(m[1]) > 0);
  });
});
