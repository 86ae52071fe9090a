/**
 * HTTP/2 clients against the proxy: h2load drives thousands of multiplexed requests (and an
 * HTTP/1.1 run for comparison) with no errors, nghttp uploads a body, and a client cancelling
 * one stream (RST_STREAM) mid-response leaves its other streams and the proxy's counters intact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStats, stat, waitFor, waitForStat } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { run } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

/** Parses h2load's summary lines. */
function h2loadSummary(out: string): {
  done: number;
  succeeded: number;
  failed: number;
  errored: number;
  s2xx: number;
} {
  const req =
    /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  const codes = /status codes: (\d+) 2xx/.exec(out);
  assert.ok(req && codes, `unexpected h2load output:\n${out}`);
  return {
    done: Number(req[1]),
    succeeded: Number(req[2]),
    failed: Number(req[3]),
    errored: Number(req[4]),
    s2xx: Number(codes[1]),
  };
}

describe('HTTP/2 clients', () => {
  let echo: Backend;
  let proxy: RunningProxy;
  let base: string;
  let admin: number;
  let dir: string;

  before(async () => {
    echo = await startEchoBackend('echo');
    const rc = routeConfig([{ match: { prefix: '/' }, route: { cluster: 'echo' } }]);
    proxy = await startProxy(
      bootstrap([listener('ingress', [{ filters: [hcm(rc)] }])], [staticCluster('echo', [echo.port])]),
    );
    base = `http://127.0.0.1:${proxy.port()}`;
    admin = proxy.adminPort;
    dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-h2-'));
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves h2load (2000 requests, 10 clients, 10 streams each) with no errors', async () => {
    const before = await readStats(admin);
    const r = await run('h2load', ['-n', '2000', '-c', '10', '-m', '10', `${base}/load`], {
      timeoutMs: 60000,
    });
    assert.equal(r.code, 0, r.stderr);
    const s = h2loadSummary(r.stdout);
    assert.deepEqual(s, { done: 2000, succeeded: 2000, failed: 0, errored: 0, s2xx: 2000 });
    await waitForStat(admin, 'http.ingress_http.downstream_rq_active', (v) => v === 0);
    const after = await readStats(admin);
    const delta = (k: string) => after.get(k)! - (before.get(k) ?? 0);
    assert.equal(delta('http.ingress_http.downstream_rq_http2_total'), 2000);
    assert.equal(delta('http.ingress_http.downstream_rq_2xx'), 2000);
    assert.equal(delta('http.ingress_http.downstream_cx_http2_total'), 10);
    assert.equal(delta('cluster.echo.upstream_rq_2xx'), 2000);
    assert.equal(delta('http.ingress_http.downstream_rq_rx_reset'), 0);
    assert.equal(after.get('cluster.echo.upstream_rq_active'), 0);
  });

  it('serves h2load uploads and an HTTP/1.1 h2load run with no errors', async () => {
    const file = path.join(dir, 'body.bin');
    writeFileSync(file, Buffer.alloc(20_000, 120));
    const up = await run('h2load', ['-n', '500', '-c', '5', '-m', '10', '-d', file, `${base}/upload`], {
      timeoutMs: 60000,
    });
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(h2loadSummary(up.stdout), {
      done: 500,
      succeeded: 500,
      failed: 0,
      errored: 0,
      s2xx: 500,
    });
    assert.ok(
      echo.seen
        .filter((s) => s.url === '/upload')
        .every((s) => s.method === 'POST' && s.bodyBytes === 20_000),
    );
    const h1 = await run('h2load', ['--h1', '-n', '500', '-c', '5', `${base}/h1`], { timeoutMs: 60000 });
    assert.equal(h1.code, 0, h1.stderr);
    assert.deepEqual(h2loadSummary(h1.stdout), {
      done: 500,
      succeeded: 500,
      failed: 0,
      errored: 0,
      s2xx: 500,
    });
    await waitForStat(admin, 'http.ingress_http.downstream_rq_active', (v) => v === 0);
  });

  it('forwards an nghttp POST body', async () => {
    const file = path.join(dir, 'post.bin');
    writeFileSync(file, Buffer.alloc(1_000_000, 121));
    const r = await run(
      'nghttp',
      ['-d', file, '-H', 'content-type: application/octet-stream', `${base}/post`],
      {
        timeoutMs: 20000,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout);
    assert.equal(body.method, 'POST');
    assert.equal(body.bodyBytes, 1_000_000);
    assert.equal(body.headers['content-type'], 'application/octet-stream');
  });

  it('survives a client cancelling one stream mid-response (RST_STREAM)', async () => {
    const before = await readStats(admin);
    const session = http2.connect(base);
    session.on('error', () => {});
    try {
      // A slow stream on the same connection must still complete.
      const other = session.request({ ':path': '/delay/300' });
      let otherStatus = 0;
      const otherBody: Buffer[] = [];
      other.on('response', (h) => (otherStatus = Number(h[':status'])));
      other.on('data', (d: Buffer) => otherBody.push(d));
      const otherDone = new Promise<void>((r) => other.on('end', () => r()));
      // A long streaming response: cancel it after the first chunk.
      const victim = session.request({ ':path': '/drip/100/20' });
      victim.on('error', () => {});
      await new Promise<void>((r) => victim.once('data', () => r()));
      victim.close(http2.constants.NGHTTP2_CANCEL);
      await otherDone;
      assert.equal(otherStatus, 200);
      assert.equal(JSON.parse(Buffer.concat(otherBody).toString()).url, '/delay/300');
      await waitForStat(admin, 'http.ingress_http.downstream_rq_active', (v) => v === 0);
      await waitForStat(admin, 'cluster.echo.upstream_rq_active', (v) => v === 0);
      const after = await readStats(admin);
      assert.equal(
        after.get('http.ingress_http.downstream_rq_rx_reset')! -
          (before.get('http.ingress_http.downstream_rq_rx_reset') ?? 0),
        1,
      );
      assert.equal(
        after.get('cluster.echo.upstream_rq_tx_reset')! -
          (before.get('cluster.echo.upstream_rq_tx_reset') ?? 0),
        1,
      );
      // The connection is still good for new streams.
      const again = session.request({ ':path': '/after' });
      again.resume();
      const status = await new Promise<number>((r) => again.on('response', (h) => r(Number(h[':status']))));
      assert.equal(status, 200);
      await new Promise<void>((r) => again.on('end', () => r()));
    } finally {
      session.close();
    }
    await waitFor(
      'the session to close',
      async () => (await stat(admin, 'http.ingress_http.downstream_cx_active')) === 0,
    );
  });

  it('cancelling a stream before the response resets the upstream request', async () => {
    const before = await stat(admin, 'cluster.echo.upstream_rq_tx_reset');
    const session = http2.connect(base);
    session.on('error', () => {});
    try {
      const seen = echo.seen.length;
      const req = session.request({ ':path': '/delay/2000' });
      req.on('error', () => {});
      // The echo backend records a request once its body has arrived, before the delay.
      await waitFor('the backend to receive the request', () => echo.seen.length > seen);
      req.close(http2.constants.NGHTTP2_CANCEL);
      await waitForStat(admin, 'cluster.echo.upstream_rq_tx_reset', (v) => v === before + 1);
      await waitForStat(admin, 'cluster.echo.upstream_rq_active', (v) => v === 0);
      await waitForStat(admin, 'http.ingress_http.downstream_rq_active', (v) => v === 0);
    } finally {
      session.close();
    }
  });
});
