/**
 * Starting with the management server unreachable: the proxy goes LIVE after the initial fetch
 * timeout with what it has (nothing dynamic), keeps retrying with backoff, and takes the config
 * once the server appears.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adsBootstrap } from './helpers/ads-bootstrap.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { curl } from './helpers/exec.ts';
import { freePort } from './helpers/free-port.ts';
import { eventually, get } from './helpers/http-get.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';
import { TestAdsServer } from './helpers/test-ads-server.ts';
import { inlineListener, staticClusterResource, TYPE } from './helpers/xds-resources.ts';

describe('xDS client startup without a management server', () => {
  let backend: Backend;
  let proxy: RunningProxy;
  let ads: TestAdsServer | undefined;
  let port: number;

  before(async () => {
    backend = await startEchoBackend('a');
    port = await freePort();
  });

  after(async () => {
    await proxy?.stop();
    await ads?.stop();
    await backend.close();
  });

  it('goes LIVE after the initial fetch timeout', async () => {
    const started = Date.now();
    proxy = await startProxy(adsBootstrap(port, { initialFetchTimeout: '0.3s' }));
    const tookMs = Date.now() - started;
    assert.ok(tookMs >= 250 && tookMs < 5000, `start took ${tookMs} ms`);
    assert.equal((await curl([`http://127.0.0.1:${proxy.adminPort}/ready`])).body, 'LIVE\n');
    assert.deepEqual(proxy.server.listeners(), []);
    assert.equal(proxy.server.stats.gauge('control_plane.connected_state').value, 0);
    assert.ok(proxy.server.stats.counter('cluster_manager.cds.update_failure').value >= 1);
  });

  it('connects once the server is up, and applies what it sends', async () => {
    ads = await TestAdsServer.start(port);
    ads.set(TYPE.cluster, 'c1', [staticClusterResource('a', [backend.port])]);
    ads.set(TYPE.listener, 'l1', [inlineListener('web', 'a')]);
    await eventually(() => ads!.ackOf(TYPE.listener, 'l1') !== undefined, 15000, 'ACK of l1');
    assert.equal((await get(proxy.server.listenerPort('web'), '/', { agent: false })).backend, 'a');
  });
});
