/**
 * STRICT_DNS and LOGICAL_DNS clusters resolve `localhost` through the system resolver (so
 * /etc/hosts applies) with dns_lookup_family V4_ONLY; /clusters shows the resolved host with its
 * hostname, and traffic reaches the backend behind it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminRequest, readStats } from './helpers/admin.ts';
import { type Backend, freePort, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

function dnsCluster(name: string, type: 'STRICT_DNS' | 'LOGICAL_DNS', host: string, port: number) {
  return {
    name,
    type,
    connect_timeout: '1s',
    dns_lookup_family: 'V4_ONLY',
    dns_refresh_rate: '0.2s',
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }],
        },
      ],
    },
  };
}

describe('DNS clusters', () => {
  let echo: Backend;
  let proxy: RunningProxy;
  let base: string;

  before(async () => {
    echo = await startEchoBackend('dns');
    const dead = await freePort();
    const rc = routeConfig([
      { match: { prefix: '/strict' }, route: { cluster: 'strict' } },
      { match: { prefix: '/logical' }, route: { cluster: 'logical' } },
      { match: { prefix: '/nowhere' }, route: { cluster: 'nowhere' } },
      { match: { prefix: '/failover' }, route: { cluster: 'failover' } },
    ]);
    const started = Date.now();
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(rc)] }])],
        [
          dnsCluster('strict', 'STRICT_DNS', 'localhost', echo.port),
          dnsCluster('logical', 'LOGICAL_DNS', 'localhost', echo.port),
          // RFC 6761: names under .invalid never resolve.
          dnsCluster('nowhere', 'STRICT_DNS', 'tandem-e2e.invalid', echo.port),
          {
            ...dnsCluster('failover', 'STRICT_DNS', 'localhost', echo.port),
            load_assignment: {
              cluster_name: 'failover',
              endpoints: [
                {
                  priority: 0,
                  lb_endpoints: [
                    {
                      endpoint: { address: { socket_address: { address: 'localhost', port_value: dead } } },
                      health_status: 'TIMEOUT',
                    },
                  ],
                },
                {
                  priority: 1,
                  lb_endpoints: [
                    {
                      endpoint: {
                        address: { socket_address: { address: 'localhost', port_value: echo.port } },
                      },
                    },
                  ],
                },
              ],
            },
          },
        ],
      ),
    );
    // A failed first lookup still completes the cluster's initialization (as in Envoy), so the
    // listeners do not wait for the 15 s init timeout.
    assert.ok(Date.now() - started < 5000, `start took ${Date.now() - started} ms`);
    base = `http://127.0.0.1:${proxy.port()}`;
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
  });

  it('routes through a STRICT_DNS cluster to the address localhost resolves to', async () => {
    const r = await curl([`${base}/strict`]);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).backend, 'dns');
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.strict.membership_total'), 1);
    assert.equal(stats.get('cluster.strict.membership_healthy'), 1);
    assert.ok(stats.get('cluster.strict.upstream_rq_2xx')! >= 1);
    assert.ok(stats.get('cluster.strict.upstream_cx_total')! >= 1);
  });

  it('routes through a LOGICAL_DNS cluster', async () => {
    const r = await curl([`${base}/logical`]);
    assert.equal(r.status, 200);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.logical.membership_total'), 1);
    assert.ok(stats.get('cluster.logical.upstream_rq_2xx')! >= 1);
  });

  it('shows the resolved IPv4 host and its hostname on /clusters', async () => {
    const text = (await adminRequest(proxy.adminPort, '/clusters')).body;
    for (const c of ['strict', 'logical']) {
      assert.match(text, new RegExp(`^${c}::127\\.0\\.0\\.1:${echo.port}::hostname::localhost$`, 'm'));
      assert.match(text, new RegExp(`^${c}::127\\.0\\.0\\.1:${echo.port}::health_flags::healthy$`, 'm'));
    }
    const json = JSON.parse((await adminRequest(proxy.adminPort, '/clusters?format=json')).body);
    const strict = json.cluster_statuses.find((c: { name: string }) => c.name === 'strict');
    assert.equal(strict.host_statuses.length, 1);
    assert.deepEqual(strict.host_statuses[0].address.socket_address, {
      address: '127.0.0.1',
      port_value: echo.port,
    });
  });

  it('keeps the resolved host and its pooled connection across DNS refreshes', async () => {
    await curl([`${base}/strict`]);
    const cx0 = (await readStats(proxy.adminPort)).get('cluster.strict.upstream_cx_total');
    // Refresh runs every 0.2 s; keep sending for several refreshes.
    const until = Date.now() + 700;
    let sent = 0;
    while (Date.now() < until || sent < 5) {
      const r = await curl([`${base}/strict`]);
      assert.equal(r.status, 200);
      sent++;
    }
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.strict.membership_total'), 1);
    // The re-resolved host is the same host: its keep-alive connection is reused.
    assert.equal(stats.get('cluster.strict.upstream_cx_total'), cx0);
  });

  it('answers 503 no healthy upstream for a name that does not resolve', async () => {
    const r = await curl([`${base}/nowhere`]);
    assert.equal(r.status, 503);
    assert.equal(r.body, 'no healthy upstream');
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.nowhere.membership_total') ?? 0, 0);
    assert.equal(stats.get('cluster.nowhere.upstream_cx_none_healthy'), 1);
  });

  it('treats a resolved endpoint whose health_status is TIMEOUT as unhealthy', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await curl([`${base}/failover`])).status, 200);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.failover.membership_total'), 2);
    assert.equal(stats.get('cluster.failover.membership_healthy'), 1);
    assert.equal(stats.get('cluster.failover.upstream_cx_connect_fail') ?? 0, 0);
    assert.equal(stats.get('cluster.failover.upstream_rq_2xx'), 5);
  });
});
