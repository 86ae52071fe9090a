/**
 * Active health checks end to end: an HTTP check takes an endpoint whose health path fails out of
 * the load balancer and brings it back when it passes again; a TCP check finds a closed port.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats, waitForStat } from './helpers/admin.ts';
import { freePort } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type ScriptedBackend, startScriptedBackend } from './helpers/scripted-backend.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const CHECK = {
  timeout: '0.5s',
  interval: '0.1s',
  no_traffic_interval: '0.1s',
  unhealthy_threshold: 2,
  healthy_threshold: 2,
};

describe('active health checks', () => {
  let good: ScriptedBackend;
  let sick: ScriptedBackend;
  let proxy: RunningProxy;

  before(async () => {
    good = await startScriptedBackend('good');
    sick = await startScriptedBackend('sick');
    sick.status = 503;
    const closed = await freePort();
    const raw = bootstrap(
      [
        listener('main', [
          {
            filters: [
              hcm(
                routeConfig([
                  { match: { prefix: '/tcp' }, route: { cluster: 'tcp' } },
                  { match: { prefix: '/' }, route: { cluster: 'web' } },
                ]),
              ),
            ],
          },
        ]),
      ],
      [
        staticCluster('web', [good.port, sick.port], {
          health_checks: [{ ...CHECK, http_health_check: { path: '/healthz' } }],
        }),
        staticCluster('tcp', [good.port, closed], { health_checks: [{ ...CHECK, tcp_health_check: {} }] }),
      ],
    );
    proxy = await startProxy(raw);
  });

  after(async () => {
    await proxy?.stop();
    await good?.close();
    await sick?.close();
  });

  it('routes only to hosts that pass, from the first round of checks on', async () => {
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.web.health_check.healthy'), 1);
    assert.ok((stats.get('cluster.web.health_check.failure') ?? 0) >= 1);
    assert.equal(stats.get('cluster.web.membership_healthy'), 1);
    for (let i = 0; i < 10; i++)
      assert.equal((await httpRequest(proxy.port(), '/')).headers['x-backend'], 'good');
    assert.ok(sick.all.some((a) => a.url === '/healthz' && a.headers['user-agent'] === 'Envoy/HC'));
  });

  it('brings a host back after healthy_threshold passes, and takes it out again', async () => {
    sick.status = 200;
    await waitForStat(proxy.adminPort, 'cluster.web.health_check.healthy', (v) => v === 2);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++)
      seen.add(String((await httpRequest(proxy.port(), '/')).headers['x-backend']));
    assert.deepEqual([...seen].sort(), ['good', 'sick']);
    sick.status = 500;
    await waitForStat(proxy.adminPort, 'cluster.web.health_check.healthy', (v) => v === 1);
  });

  it('marks a closed port down with a TCP check', async () => {
    await waitForStat(proxy.adminPort, 'cluster.tcp.health_check.healthy', (v) => v === 1);
    assert.ok((await readStats(proxy.adminPort)).get('cluster.tcp.health_check.network_failure')! >= 1);
    for (let i = 0; i < 6; i++) assert.equal((await httpRequest(proxy.port(), '/tcp')).status, 200);
  });
});
