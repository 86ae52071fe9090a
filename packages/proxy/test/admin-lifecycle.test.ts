/**
 * The admin API (/ready, /server_info, /config_dump, /clusters, /listeners, /stats,
 * /quitquitquit) and graceful shutdown: SIGTERM lets an in-flight request finish, refuses new
 * connections, and exits 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { spawnProxy } from './helpers/proxy-process.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('admin API', () => {
  let echo: Backend;
  let proxy: RunningProxy;
  let admin: string;

  before(async () => {
    echo = await startEchoBackend();
    const rc = routeConfig([{ match: { prefix: '/' }, route: { cluster: 'echo' } }]);
    proxy = await startProxy(
      bootstrap([listener('ingress', [{ filters: [hcm(rc)] }])], [staticCluster('echo', [echo.port])]),
    );
    admin = `http://127.0.0.1:${proxy.adminPort}`;
    await curl([`http://127.0.0.1:${proxy.port()}/warm`]);
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
  });

  it('lists its endpoints with help text', async () => {
    const r = await curl([`${admin}/`]);
    for (const p of [
      '/ready',
      '/server_info',
      '/config_dump',
      '/clusters',
      '/listeners',
      '/stats',
      '/quitquitquit',
    ]) {
      assert.ok(r.body.includes(`${p}:`), `missing ${p}`);
    }
  });

  it('reports LIVE on /ready', async () => {
    const r = await curl([`${admin}/ready`]);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'LIVE\n');
  });

  it('reports version and state on /server_info', async () => {
    const info = JSON.parse((await curl([`${admin}/server_info`])).body);
    assert.match(info.version, /^tandem\//);
    assert.equal(info.state, 'LIVE');
  });

  it('dumps the running config xDS-shaped on /config_dump', async () => {
    const dump = JSON.parse((await curl([`${admin}/config_dump`])).body);
    const types = dump.configs.map((c: { '@type': string }) => c['@type']);
    assert.ok(types.includes('type.googleapis.com/envoy.admin.v3.ListenersConfigDump'));
    const listeners = dump.configs.find((c: { '@type': string }) =>
      c['@type'].endsWith('ListenersConfigDump'),
    );
    assert.equal(listeners.static_listeners[0].listener.name, 'ingress');
    const clusters = dump.configs.find((c: { '@type': string }) => c['@type'].endsWith('ClustersConfigDump'));
    assert.equal(clusters.static_clusters[0].cluster.name, 'echo');
  });

  it('shows hosts on /clusters and listeners on /listeners', async () => {
    const c = await curl([`${admin}/clusters`]);
    assert.match(c.body, new RegExp(`^echo::127\\.0\\.0\\.1:${echo.port}::cx_active::1$`, 'm'));
    const l = JSON.parse((await curl([`${admin}/listeners?format=json`])).body);
    assert.equal(l.listener_statuses[0].local_address.socket_address.port_value, proxy.port());
  });

  it('counts requests per listener and cluster on /stats', async () => {
    const r = await curl([`${admin}/stats`]);
    assert.match(r.body, /^cluster\.echo\.upstream_rq_2xx: [1-9]/m);
    assert.match(r.body, /^cluster\.echo\.upstream_rq_total: [1-9]/m);
    assert.match(r.body, /^http\.ingress_http\.downstream_rq_total: [1-9]/m);
    assert.match(r.body, /^listener\.127\.0\.0\.1_0\.downstream_cx_total: [1-9]/m);
    const json = JSON.parse((await curl([`${admin}/stats?format=json&filter=upstream_rq_total`])).body);
    assert.equal(json.stats[0].name, 'cluster.echo.upstream_rq_total');
  });

  it('requires POST for /quitquitquit', async () => {
    const r = await curl([`${admin}/quitquitquit`]);
    assert.equal(r.status, 405);
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request on SIGTERM, refuses new connections, exits 0', async () => {
    const echo = await startEchoBackend();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-drain-'));
    const file = path.join(dir, 'b.json');
    const rc = routeConfig([{ match: { prefix: '/' }, route: { cluster: 'echo' } }]);
    writeFileSync(
      file,
      JSON.stringify(
        bootstrap([listener('l', [{ filters: [hcm(rc)] }])], [staticCluster('echo', [echo.port])]),
      ),
    );
    const p = await spawnProxy(file, ['--drain-time-s', '5']);
    try {
      const port = p.ports.get('l')!;
      const inflight = curl([`http://127.0.0.1:${port}/delay/400`]);
      // The echo backend records a request when its body has arrived, before the 400 ms delay.
      while (echo.seen.length === 0) await new Promise((r) => setTimeout(r, 10));
      p.child.kill('SIGTERM');
      const r = await inflight;
      assert.equal(r.status, 200);
      assert.equal(await p.exited, 0);
      await assert.rejects(connect(port));
    } finally {
      await p.stop();
      await echo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function connect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve();
    });
    s.on('error', reject);
  });
}
