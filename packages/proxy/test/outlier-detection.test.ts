/**
 * Outlier detection end to end: of three endpoints one answers 500; after consecutive_5xx errors it
 * is ejected and clients stop seeing errors; after the ejection time it is back in the rotation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats, waitForStat } from './helpers/admin.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type ScriptedBackend, startScriptedBackend } from './helpers/scripted-backend.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('outlier detection', () => {
  const backends: ScriptedBackend[] = [];
  let proxy: RunningProxy;

  before(async () => {
    for (const name of ['a', 'b', 'bad']) backends.push(await startScriptedBackend(name));
    backends[2]!.status = 500;
    const raw = bootstrap(
      [
        listener('main', [
          { filters: [hcm(routeConfig([{ match: { prefix: '/' }, route: { cluster: 'web' } }]))] },
        ]),
      ],
      [
        staticCluster(
          'web',
          backends.map((b) => b.port),
          {
            outlier_detection: {
              consecutive_5xx: 2,
              interval: '0.2s',
              base_ejection_time: '1s',
              max_ejection_percent: 100,
            },
          },
        ),
      ],
    );
    proxy = await startProxy(raw);
  });

  after(async () => {
    await proxy?.stop();
    for (const b of backends) await b.close();
  });

  async function send(n: number): Promise<{ errors: number; fromBad: number }> {
    let errors = 0;
    let fromBad = 0;
    for (let i = 0; i < n; i++) {
      const r = await httpRequest(proxy.port(), '/');
      if (r.status !== 200) errors++;
      if (r.headers['x-backend'] === 'bad') fromBad++;
    }
    return { errors, fromBad };
  }

  it('ejects the failing endpoint, then no error reaches clients, and it returns after the ejection time', async () => {
    const first = await send(12);
    assert.ok(first.errors >= 2 && first.errors <= 3, `${first.errors} errors before the ejection`);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('cluster.web.outlier_detection.ejections_active'), 1);
    assert.equal(stats.get('cluster.web.outlier_detection.ejections_enforced_consecutive_5xx'), 1);
    assert.equal(stats.get('cluster.web.membership_healthy'), 2);
    const during = await send(30);
    assert.equal(during.errors, 0);
    await waitForStat(
      proxy.adminPort,
      'cluster.web.outlier_detection.ejections_active',
      (v) => v === 0,
      4000,
    );
    const back = await send(6);
    assert.ok(back.fromBad >= 1, 'the endpoint is back in the rotation');
  });
});
