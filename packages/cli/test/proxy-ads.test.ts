/**
 * `tandem proxy` on a bootstrap with `dynamic_resources`: the process fetches its listeners and
 * clusters over ADS before it reports them, serves curl through them, and exits cleanly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adsBootstrap } from '../../proxy/test/helpers/ads-bootstrap.ts';
import { type Backend, startEchoBackend } from '../../proxy/test/helpers/backends.ts';
import { curl } from '../../proxy/test/helpers/exec.ts';
import { type ProxyProcess, spawnProxy } from '../../proxy/test/helpers/proxy-process.ts';
import { TestAdsServer } from '../../proxy/test/helpers/test-ads-server.ts';
import { inlineListener, staticClusterResource, TYPE } from '../../proxy/test/helpers/xds-resources.ts';

describe('tandem proxy with dynamic_resources (ADS)', () => {
  let backend: Backend;
  let ads: TestAdsServer;
  let proxy: ProxyProcess;

  before(async () => {
    backend = await startEchoBackend('a');
    ads = await TestAdsServer.start();
    ads.set(TYPE.cluster, 'c1', [staticClusterResource('a', [backend.port])]);
    ads.set(TYPE.listener, 'l1', [inlineListener('web', 'a')]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tandem-ads-')), 'bootstrap.json');
    writeFileSync(file, JSON.stringify(adsBootstrap(ads.port)));
    proxy = await spawnProxy(file);
  });

  after(async () => {
    await proxy?.stop();
    await ads?.stop();
    await backend?.close();
  });

  it('reports the listener LDS delivered and serves through it', async () => {
    const port = proxy.ports.get('web');
    assert.ok(port !== undefined, proxy.stderr());
    const r = await curl([`http://127.0.0.1:${port}/x`]);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-backend']?.[0], 'a');
    assert.match(proxy.stderr(), /lds: listener "web" added on 127\.0\.0\.1:\d+ \(version l1\)/);
  });

  it('exits 0 on SIGTERM', async () => {
    assert.equal(await proxy.stop(), 0);
  });
});
