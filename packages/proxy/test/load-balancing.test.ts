/**
 * Per-host load balancing through the router, checked statistically: RANDOM and weighted
 * ROUND_ROBIN split traffic by load_balancing_weight, LEAST_REQUEST steers away from a host with
 * requests in flight, and priorities spill traffic to P1 when P0 is unhealthy. Bounds are the
 * binomial mean plus or minus four standard deviations.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { adminRequest, binomialBounds, readStats, waitFor, waitForStat } from './helpers/admin.ts';
import {
  type Backend,
  freePort,
  type HoldingBackend,
  startEchoBackend,
  startHoldingBackend,
} from './helpers/backends.ts';
import { bootstrap, endpointsCluster, hcm, listener, routeConfig } from './helpers/bootstrap.ts';
import { countBackends, httpRequest } from './helpers/http-client.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

function assertShare(counts: Map<string, number>, n: number, name: string, p: number): void {
  const { lo, hi } = binomialBounds(n, p);
  const c = counts.get(name) ?? 0;
  assert.ok(c >= lo && c <= hi, `${name} got ${c} of ${n}, expected ${lo.toFixed(1)}..${hi.toFixed(1)}`);
}

describe('load balancing through the router', () => {
  let a: Backend;
  let b: Backend;
  let c: Backend;
  let holder: HoldingBackend;
  let dead: number;
  let proxy: RunningProxy;
  let port: number;
  let agent: http.Agent;

  before(async () => {
    a = await startEchoBackend('a');
    b = await startEchoBackend('b');
    c = await startEchoBackend('c');
    holder = await startHoldingBackend('holder');
    dead = await freePort();
    const weighted = [
      { port: a.port, weight: 1 },
      { port: b.port, weight: 2 },
      { port: c.port, weight: 3 },
    ];
    const routes = ['rr', 'random', 'least-idle', 'least', 'prio', 'spill'].map((cluster) => ({
      match: { prefix: `/${cluster}/` },
      route: { cluster },
    }));
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(routeConfig(routes))] }])],
        [
          endpointsCluster('rr', weighted, { lb_policy: 'ROUND_ROBIN' }),
          endpointsCluster('random', weighted, { lb_policy: 'RANDOM' }),
          endpointsCluster('least-idle', [{ port: a.port }, { port: b.port }, { port: c.port }], {
            lb_policy: 'LEAST_REQUEST',
          }),
          endpointsCluster('least', [{ port: a.port }, { port: b.port }, { port: holder.port }], {
            lb_policy: 'LEAST_REQUEST',
          }),
          // P0's only endpoint refuses connections and is marked UNHEALTHY: all traffic goes to P1.
          endpointsCluster('prio', [
            { port: dead, priority: 0, healthStatus: 'UNHEALTHY' },
            { port: b.port, priority: 1 },
          ]),
          // P0 is half healthy: its health is 140% * 1/2 = 70, so P1 takes the other 30%.
          endpointsCluster('spill', [
            { port: a.port, priority: 0 },
            { port: dead, priority: 0, healthStatus: 'UNHEALTHY' },
            { port: c.port, priority: 1 },
          ]),
        ],
      ),
    );
    port = proxy.port();
    agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  });

  after(async () => {
    agent?.destroy();
    holder?.release();
    await proxy?.stop();
    for (const x of [a, b, c, holder]) await x?.close();
  });

  it('weighted ROUND_ROBIN splits 1:2:3', async () => {
    const n = 600;
    const counts = await countBackends(n, 1, () => httpRequest(port, '/rr/x', { agent }));
    assertShare(counts, n, 'a', 1 / 6);
    assertShare(counts, n, 'b', 2 / 6);
    assertShare(counts, n, 'c', 3 / 6);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.rr.upstream_rq_total'), n);
    assert.equal(stats.get('cluster.rr.upstream_rq_2xx'), n);
    assert.equal(stats.get('cluster.rr.upstream_rq_active'), 0);
  });

  it('weighted RANDOM splits 1:2:3', async () => {
    const n = 600;
    const counts = await countBackends(n, 4, () => httpRequest(port, '/random/x', { agent }));
    assertShare(counts, n, 'a', 1 / 6);
    assertShare(counts, n, 'b', 2 / 6);
    assertShare(counts, n, 'c', 3 / 6);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.random.upstream_rq_total'), n);
    assert.equal(stats.get('cluster.random.upstream_rq_2xx'), n);
  });

  it('LEAST_REQUEST spreads evenly over idle hosts', async () => {
    const n = 600;
    const counts = await countBackends(n, 1, () => httpRequest(port, '/least-idle/x', { agent }));
    for (const name of ['a', 'b', 'c']) assertShare(counts, n, name, 1 / 3);
    assert.equal((await readStats(proxy.adminPort)).get('cluster.least-idle.upstream_rq_2xx'), n);
  });

  it('LEAST_REQUEST avoids a host with a request in flight', async () => {
    // The holding backend never answers, so requests sent one at a time must not be awaited
    // when they land there. Send until one is held.
    const held: Promise<unknown>[] = [];
    const counts = new Map<string, number>();
    const sendOne = async (): Promise<void> => {
      const before = holder.arrived();
      const p = httpRequest(port, '/least/x');
      let answered: string | undefined;
      p.then((r) => (answered = String(r.headers['x-backend'])));
      await waitFor(
        'the request to be answered or held',
        () => answered !== undefined || holder.arrived() > before,
        {
          intervalMs: 1,
        },
      );
      const where = answered ?? 'held';
      if (answered === undefined) held.push(p);
      counts.set(where, (counts.get(where) ?? 0) + 1);
    };
    while (holder.arrived() === 0) await sendOne();
    await waitForStat(proxy.adminPort, 'cluster.least.upstream_rq_active', (v) => v === 1);
    // With two random choices, the busy host wins only when both choices are it: p = 1/9.
    counts.clear();
    const n = 300;
    for (let i = 0; i < n; i++) await sendOne();
    assertShare(counts, n, 'held', 1 / 9);
    const active = await readStats(proxy.adminPort);
    assert.equal(active.get('cluster.least.upstream_rq_active'), held.length);
    const clusters = (await adminRequest(proxy.adminPort, '/clusters')).body;
    assert.match(
      clusters,
      new RegExp(`^least::127\\.0\\.0\\.1:${holder.port}::rq_active::${held.length}$`, 'm'),
    );
    holder.release();
    await Promise.all(held);
    await waitForStat(proxy.adminPort, 'cluster.least.upstream_rq_active', (v) => v === 0);
  });

  it('sends everything to P1 when the only P0 endpoint is unhealthy', async () => {
    const n = 50;
    const counts = await countBackends(n, 4, () => httpRequest(port, '/prio/x', { agent }));
    assert.equal(counts.get('b'), n);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.prio.membership_total'), 2);
    assert.equal(stats.get('cluster.prio.membership_healthy'), 1);
    assert.equal(stats.get('cluster.prio.upstream_cx_connect_fail') ?? 0, 0);
    assert.equal(stats.get('cluster.prio.upstream_rq_2xx'), n);
    const clusters = (await adminRequest(proxy.adminPort, '/clusters')).body;
    assert.match(
      clusters,
      new RegExp(`^prio::127\\.0\\.0\\.1:${dead}::health_flags::/failed_eds_health$`, 'm'),
    );
    assert.match(clusters, new RegExp(`^prio::127\\.0\\.0\\.1:${dead}::priority::0$`, 'm'));
    assert.match(clusters, new RegExp(`^prio::127\\.0\\.0\\.1:${b.port}::priority::1$`, 'm'));
  });

  it('spills 30% to P1 when half of P0 is unhealthy (overprovisioning factor 1.4)', async () => {
    const n = 500;
    const counts = await countBackends(n, 4, () => httpRequest(port, '/spill/x', { agent }));
    assertShare(counts, n, 'a', 0.7);
    assertShare(counts, n, 'c', 0.3);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.spill.upstream_cx_connect_fail') ?? 0, 0);
    assert.equal(stats.get('cluster.spill.lb_healthy_panic') ?? 0, 0);
  });
});
