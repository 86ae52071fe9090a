/**
 * The upstream protocol a cluster asks for: explicit HTTP/2 (typed_extension_protocol_options)
 * carries plain HTTP traffic from HTTP/1.1 and h2c clients to an h2c backend;
 * use_downstream_protocol_config makes the upstream protocol follow the client's.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { readStats, waitForStat } from './helpers/admin.ts';
import { type Backend, startDualBackend, startH2Backend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl, run } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const HTTP_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const HTTP_OPTIONS_TYPE = 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

function protocolOptions(options: Record<string, unknown>): Record<string, unknown> {
  return { typed_extension_protocol_options: { [HTTP_OPTIONS]: { '@type': HTTP_OPTIONS_TYPE, ...options } } };
}

describe('upstream protocol selection', () => {
  let h2: Backend;
  let dual: Backend;
  let proxy: RunningProxy;
  let base: string;

  before(async () => {
    h2 = await startH2Backend('h2');
    dual = await startDualBackend('dual');
    const rc = routeConfig([
      { match: { prefix: '/h2/' }, route: { cluster: 'h2', prefix_rewrite: '/' } },
      { match: { prefix: '/follow/' }, route: { cluster: 'follow' } },
    ]);
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(rc)] }])],
        [
          staticCluster(
            'h2',
            [h2.port],
            protocolOptions({ explicit_http_config: { http2_protocol_options: {} } }),
          ),
          staticCluster('follow', [dual.port], protocolOptions({ use_downstream_protocol_config: {} })),
        ],
      ),
    );
    base = `http://127.0.0.1:${proxy.port()}`;
  });

  after(async () => {
    await proxy?.stop();
    await h2?.close();
    await dual?.close();
  });

  it('carries an HTTP/1.1 client request to an HTTP/2 upstream', async () => {
    const r = await curl(['--http1.1', '-H', 'x-probe: 1', `${base}/h2/get?q=1`]);
    assert.equal(r.status, 200);
    const seen = h2.seen.at(-1)!;
    assert.equal(seen.httpVersion, '2.0');
    assert.equal(seen.url, '/get?q=1');
    assert.equal(seen.headers['x-probe'], '1');
    assert.equal(seen.headers[':authority'], `127.0.0.1:${proxy.port()}`);
    assert.equal(seen.headers.connection, undefined);
    const stats = await readStats(proxy.adminPort);
    assert.ok(stats.get('cluster.h2.upstream_cx_http2_total')! >= 1);
    assert.equal(stats.get('cluster.h2.upstream_cx_http1_total') ?? 0, 0);
    assert.ok(stats.get('http.ingress_http.downstream_rq_http1_total')! >= 1);
  });

  it('carries an HTTP/1.1 chunked upload and a large response over HTTP/2 upstream', async () => {
    const body = 'y'.repeat(100_000);
    const up = await curl([
      '--http1.1',
      '-H',
      'transfer-encoding: chunked',
      '--data-binary',
      body,
      `${base}/h2/upload`,
    ]);
    assert.equal(up.status, 200);
    assert.equal(JSON.parse(up.body).bodyBytes, 100_000);
    assert.equal(h2.seen.at(-1)!.headers['transfer-encoding'], undefined);
    const down = await curl(['--http1.1', `${base}/h2/bytes/300000`]);
    assert.equal(down.status, 200);
    assert.equal(down.body.length, 300_000);
    const head = await curl(['--http1.1', '-I', `${base}/h2/bytes/5`]);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length']?.[0], '5');
  });

  it('carries an h2c client request to an HTTP/2 upstream on one upstream connection', async () => {
    const before = (await readStats(proxy.adminPort)).get('cluster.h2.upstream_cx_total');
    const urls = Array.from({ length: 5 }, (_, i) => `${base}/h2/n${i}`);
    const r = await run('nghttp', ['-n', '-s', ...urls], { timeoutMs: 10000 });
    assert.equal(r.code, 0, r.stderr);
    for (let i = 0; i < 5; i++) assert.ok(h2.seen.some((s) => s.url === `/n${i}` && s.httpVersion === '2.0'));
    const stats = await readStats(proxy.adminPort);
    // The HTTP/2 pool multiplexes every request on the session it already has.
    assert.equal(stats.get('cluster.h2.upstream_cx_total'), before);
    assert.ok(stats.get('http.ingress_http.downstream_rq_http2_total')! >= 5);
  });

  it('follows the downstream protocol with use_downstream_protocol_config', async () => {
    const one = await curl(['--http1.1', `${base}/follow/one`]);
    assert.equal(one.status, 200);
    assert.equal(dual.seen.at(-1)!.httpVersion, '1.1');
    const two = await curl(['--http2-prior-knowledge', `${base}/follow/two`]);
    assert.equal(two.status, 200);
    const seen = dual.seen.at(-1)!;
    assert.equal(seen.url, '/follow/two');
    assert.equal(seen.httpVersion, '2.0');
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.follow.upstream_cx_http1_total'), 1);
    assert.equal(stats.get('cluster.follow.upstream_cx_http2_total'), 1);
    assert.equal(stats.get('cluster.follow.upstream_rq_2xx'), 2);
  });

  it('cancels only the upstream stream of a cancelled client stream', async () => {
    const before = await readStats(proxy.adminPort);
    const cx = before.get('cluster.h2.upstream_cx_total');
    const session = http2.connect(base);
    session.on('error', () => {});
    try {
      const victim = session.request({ ':path': '/h2/drip/100/20' });
      victim.on('error', () => {});
      await new Promise<void>((r) => victim.once('data', () => r()));
      victim.close(http2.constants.NGHTTP2_CANCEL);
      await waitForStat(proxy.adminPort, 'cluster.h2.upstream_rq_active', (v) => v === 0);
      // The upstream session survives and carries the next request.
      const r = await curl(['--http1.1', `${base}/h2/next`]);
      assert.equal(r.status, 200);
      const after = await readStats(proxy.adminPort);
      assert.equal(after.get('cluster.h2.upstream_cx_total'), cx);
      assert.equal(
        after.get('cluster.h2.upstream_rq_tx_reset')! - (before.get('cluster.h2.upstream_rq_tx_reset') ?? 0),
        1,
      );
      assert.equal(
        after.get('http.ingress_http.downstream_rq_rx_reset')! -
          (before.get('http.ingress_http.downstream_rq_rx_reset') ?? 0),
        1,
      );
    } finally {
      session.close();
    }
  });
});
