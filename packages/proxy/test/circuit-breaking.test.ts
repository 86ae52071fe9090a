/**
 * Circuit breakers end to end: with max_connections 1 and max_pending_requests 1, a burst gets one
 * request through, one waiting, and the rest answered at once with 503 and `x-envoy-overloaded`;
 * max_requests caps requests in flight (HTTP/2 upstreams multiplex); the overflow counters and the
 * track_remaining gauges show it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats, waitFor, waitForStat } from './helpers/admin.ts';
import { type HoldingBackend, startHoldingBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { type HttpReply, httpRequest } from './helpers/http-client.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('circuit breaking', () => {
  let tight: HoldingBackend;
  let capped: HoldingBackend;
  let proxy: RunningProxy;

  before(async () => {
    tight = await startHoldingBackend('tight');
    capped = await startHoldingBackend('capped');
    const raw = bootstrap(
      [
        listener('main', [
          {
            filters: [
              hcm(
                routeConfig([
                  { match: { prefix: '/capped' }, route: { cluster: 'capped', timeout: '10s' } },
                  { match: { prefix: '/' }, route: { cluster: 'tight', timeout: '10s' } },
                ]),
              ),
            ],
          },
        ]),
      ],
      [
        staticCluster('tight', [tight.port], {
          circuit_breakers: {
            thresholds: [{ max_connections: 1, max_pending_requests: 1, track_remaining: true }],
          },
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: { http_protocol_options: {} },
              common_http_protocol_options: { max_requests_per_connection: 1 },
            },
          },
        }),
        staticCluster('capped', [capped.port], { circuit_breakers: { thresholds: [{ max_requests: 2 }] } }),
      ],
    );
    proxy = await startProxy(raw);
  });

  after(async () => {
    await proxy?.stop();
    await tight?.close();
    await capped?.close();
  });

  it('lets one request through, queues one, and overflows the rest with x-envoy-overloaded', async () => {
    const port = proxy.port();
    const replies: Promise<HttpReply>[] = [];
    for (let i = 0; i < 6; i++) replies.push(httpRequest(port, `/r${i}`));
    await waitFor('one request at the backend', () => tight.arrived() === 1);
    await waitForStat(proxy.adminPort, 'cluster.tight.upstream_rq_pending_overflow', (v) => v === 4);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.tight.circuit_breakers.default.rq_pending_open'), 1);
    assert.equal(stats.get('cluster.tight.circuit_breakers.default.remaining_pending'), 0);
    tight.release();
    const done = await Promise.all(replies);
    const ok = done.filter((r) => r.status === 200);
    const overloaded = done.filter((r) => r.status === 503);
    assert.equal(ok.length, 2);
    assert.equal(overloaded.length, 4);
    for (const r of overloaded) assert.equal(r.headers['x-envoy-overloaded'], 'true');
    const after = await readStats(proxy.adminPort);
    assert.equal(after.get('cluster.tight.circuit_breakers.default.rq_pending_open'), 0);
  });

  it('caps requests in flight with max_requests', async () => {
    const port = proxy.port();
    const replies = [0, 1, 2, 3].map((i) => httpRequest(port, `/capped/${i}`));
    await waitFor('two requests at the backend', () => capped.arrived() === 2);
    const overflowed = await Promise.race([replies[2]!, replies[3]!]);
    assert.equal(overflowed.status, 503);
    assert.equal(overflowed.headers['x-envoy-overloaded'], 'true');
    capped.release();
    const statuses = (await Promise.all(replies)).map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 503, 503]);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.capped.upstream_rq_pending_overflow'), 2);
  });
});
