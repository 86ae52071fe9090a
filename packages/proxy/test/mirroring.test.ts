/**
 * Request mirroring end to end: every request also goes to the shadow cluster with `-shadow` on
 * its authority and its body; the client gets the primary's answer whether the shadow is slow,
 * failing or unreachable; the shadow cluster's stats count the copies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats, waitFor } from './helpers/admin.ts';
import { freePort } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type ScriptedBackend, startScriptedBackend } from './helpers/scripted-backend.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('request mirroring', () => {
  let primary: ScriptedBackend;
  let shadow: ScriptedBackend;
  let proxy: RunningProxy;

  before(async () => {
    primary = await startScriptedBackend('primary');
    shadow = await startScriptedBackend('shadow');
    const dead = await freePort();
    const mirrorTo = (cluster: string) => [{ cluster }];
    const raw = bootstrap(
      [
        listener('main', [
          {
            filters: [
              hcm(
                routeConfig([
                  {
                    match: { prefix: '/dead' },
                    route: { cluster: 'primary', request_mirror_policies: mirrorTo('dead') },
                  },
                  {
                    match: { prefix: '/half' },
                    route: {
                      cluster: 'primary',
                      request_mirror_policies: [
                        { cluster: 'shadow', runtime_fraction: { default_value: { numerator: 50 } } },
                      ],
                    },
                  },
                  {
                    match: { prefix: '/' },
                    route: { cluster: 'primary', timeout: '5s', request_mirror_policies: mirrorTo('shadow') },
                  },
                ]),
              ),
            ],
          },
        ]),
      ],
      [
        staticCluster('primary', [primary.port]),
        staticCluster('shadow', [shadow.port]),
        staticCluster('dead', [dead]),
      ],
    );
    proxy = await startProxy(raw);
  });

  after(async () => {
    await proxy?.stop();
    await primary?.close();
    await shadow?.close();
  });

  it('copies requests, with their bodies, to the shadow with a -shadow authority', async () => {
    const r = await httpRequest(proxy.port(), '/m1', {
      method: 'POST',
      body: Buffer.alloc(50_000, 97),
      headers: { 'x-test-id': 'm1', host: 'web.local:8080' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-backend'], 'primary');
    await waitFor('the shadow copy', () => shadow.attempts('m1').length === 1);
    const copy = shadow.attempts('m1')[0]!;
    assert.equal(copy.headers.host, 'web.local-shadow:8080');
    assert.equal(copy.bodyBytes, 50_000);
    assert.equal(primary.attempts('m1')[0]!.headers.host, 'web.local:8080');
  });

  it('does not let a slow or failing shadow affect the client', async () => {
    shadow.delayMs = 1500;
    const started = performance.now();
    const slow = await httpRequest(proxy.port(), '/m2', { headers: { 'x-test-id': 'm2' } });
    assert.equal(slow.status, 200);
    assert.ok(performance.now() - started < 1000, 'the client does not wait for the shadow');
    shadow.delayMs = 0;
    shadow.status = 500;
    const failing = await httpRequest(proxy.port(), '/m3', { headers: { 'x-test-id': 'm3' } });
    assert.equal(failing.status, 200);
    assert.equal(failing.headers['x-backend'], 'primary');
    shadow.status = 200;
    const dead = await httpRequest(proxy.port(), '/dead', { headers: { 'x-test-id': 'm4' } });
    assert.equal(dead.status, 200);
    const stats = await readStats(proxy.adminPort);
    assert.ok((stats.get('cluster.dead.upstream_cx_connect_fail') ?? 0) >= 1);
    assert.ok((stats.get('cluster.shadow.upstream_rq_500') ?? 0) >= 1);
  });

  it('mirrors the configured share of requests', async () => {
    const before = shadow.all.length;
    for (let i = 0; i < 200; i++) await httpRequest(proxy.port(), '/half');
    await new Promise((r) => setTimeout(r, 100));
    // Binomial(200, 0.5): sd 7.07; 4 sigma is 28.
    const copies = shadow.all.length - before;
    assert.ok(copies >= 72 && copies <= 128, `${copies} of 200 mirrored`);
  });
});
