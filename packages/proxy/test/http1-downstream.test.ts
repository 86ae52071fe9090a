/**
 * The downstream HTTP/1 connection with raw bytes: keep-alive and pipelining across local replies
 * and proxied responses, and answers to malformed heads that arrive incomplete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { rawExchange, statusesOf } from './helpers/raw-http.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('downstream HTTP/1 connection', () => {
  let backend: Backend;
  let proxy: RunningProxy;

  before(async () => {
    backend = await startEchoBackend();
    const rc = routeConfig([{ match: { prefix: '/echo' }, route: { cluster: 'echo' } }]);
    proxy = await startProxy(
      bootstrap([listener('ingress', [{ filters: [hcm(rc)] }])], [staticCluster('echo', [backend.port])]),
    );
  });

  after(async () => {
    await proxy?.stop();
    await backend?.close();
  });

  it('keeps serving a keep-alive connection after a local reply (no route)', async () => {
    const req = 'GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n';
    const { text } = await rawExchange(proxy.port(), req + req + 'GET /echo HTTP/1.1\r\nHost: x\r\n\r\n', {
      until: (t) => statusesOf(t).length === 3,
    });
    assert.deepEqual(statusesOf(text), [404, 404, 200]);
  });

  it('answers pipelined requests in order, mixing proxied and local replies', async () => {
    const reqs = ['/echo/1', '/nowhere', '/echo/2', '/nowhere', '/echo/3']
      .map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`)
      .join('');
    const { text } = await rawExchange(proxy.port(), reqs, { until: (t) => statusesOf(t).length === 5 });
    assert.deepEqual(statusesOf(text), [200, 404, 200, 404, 200]);
    const urls = [...text.matchAll(/"url":"([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['/echo/1', '/echo/2', '/echo/3']);
  });

  it('answers 400 at once to a request with LF-only line endings (no wait for a CRLFCRLF)', async () => {
    const seen = backend.seen.length;
    const r = await rawExchange(proxy.port(), 'GET /echo HTTP/1.1\nHost: x\n\n', { timeoutMs: 3000 });
    assert.deepEqual(statusesOf(r.text), [400]);
    assert.ok(r.closed, 'connection closed after the 400');
    assert.equal(backend.seen.length, seen);
  });
});
