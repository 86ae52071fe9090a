/**
 * The proxy's apply API (what the xDS client calls), without a management server: listeners,
 * routes, clusters and endpoints applied at run time, with real traffic through the proxy.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap } from './helpers/bootstrap.ts';
import { curl } from './helpers/exec.ts';
import { freePort } from './helpers/free-port.ts';
import { closeIdleSockets, eventually, get } from './helpers/http-get.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';
import {
  edsClusterResource,
  endpointsResource,
  inlineListener,
  rdsListener,
  routeResource,
  staticClusterResource,
  TYPE,
  validated,
} from './helpers/xds-resources.ts';

const cluster = (name: string, ports: number[]) =>
  validated(TYPE.cluster, staticClusterResource(name, ports));
const route = (name: string, to: string) => validated(TYPE.routeConfiguration, routeResource(name, to));
const eds = (name: string) => validated(TYPE.cluster, edsClusterResource(name));
const cla = (name: string, ports: number[]) =>
  validated(TYPE.clusterLoadAssignment, endpointsResource(name, ports));

describe('apply API', () => {
  let a: Backend;
  let b: Backend;
  let proxy: RunningProxy;

  before(async () => {
    a = await startEchoBackend('a');
    b = await startEchoBackend('b');
    proxy = await startProxy(bootstrap([], []));
  });

  after(async () => {
    closeIdleSockets();
    await proxy.stop();
    await a.close();
    await b.close();
  });

  it('serves a listener whose routes and clusters were applied', async () => {
    const s = proxy.server;
    assert.ok(s.applyClusters([cluster('a', [a.port]), cluster('b', [b.port])], { versionInfo: 'c1' }).ok);
    const raw = rdsListener('web', 'web-routes');
    const applied = await s.applyListeners([validated(TYPE.listener, raw)], {
      versionInfo: 'l1',
      raw: new Map([['web', raw]]),
    });
    assert.ok(applied.ok);
    assert.ok(s.applyRoutes([route('web-routes', 'a')], { versionInfo: 'r1' }).ok);
    const res = await curl([`http://127.0.0.1:${s.listenerPort('web')}/hello`]);
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-backend']?.[0], 'a');
    const dump = JSON.parse((await curl([`http://127.0.0.1:${proxy.adminPort}/config_dump`])).body);
    const listeners = dump.configs.find((c: { '@type': string }) =>
      c['@type'].endsWith('ListenersConfigDump'),
    );
    assert.equal(listeners.version_info, 'l1');
    assert.equal(listeners.dynamic_listeners[0].name, 'web');
    assert.equal(listeners.dynamic_listeners[0].active_state.version_info, 'l1');
    assert.equal(listeners.dynamic_listeners[0].active_state.listener.name, 'web');
    assert.match(listeners.dynamic_listeners[0].active_state.last_updated, /^\d{4}-\d\d-\d\dT/);
    const routes = dump.configs.find((c: { '@type': string }) => c['@type'].endsWith('RoutesConfigDump'));
    assert.equal(routes.dynamic_route_configs[0].version_info, 'r1');
    const clusters = dump.configs.find((c: { '@type': string }) => c['@type'].endsWith('ClustersConfigDump'));
    assert.deepEqual(
      clusters.dynamic_active_clusters.map((c: { cluster: { name: string } }) => c.cluster.name).sort(),
      ['a', 'b'],
    );
  });

  it('warms a listener until its route configuration arrives, holding early connections', async () => {
    const s = proxy.server;
    assert.ok((await s.applyListeners([validated(TYPE.listener, rdsListener('warm', 'warm-routes'))])).ok);
    const pending = get(s.listenerPort('warm'), '/early', { agent: false });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.stats.gauge('listener_manager.total_listeners_warming').value, 1);
    assert.ok(s.applyRoutes([route('warm-routes', 'b')]).ok);
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(res.backend, 'b');
    assert.equal(s.stats.gauge('listener_manager.total_listeners_warming').value, 0);
  });

  it('swaps a route configuration with traffic flowing, without failing a request', async () => {
    const s = proxy.server;
    assert.ok(s.applyRoutes([route('web-routes', 'a')]).ok);
    const port = s.listenerPort('web');
    const seen: string[] = [];
    const failures: unknown[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await get(port, '/hammer');
          if (r.status === 200) seen.push(r.backend);
          else failures.push(r.status);
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await eventually(() => seen.length > 200, 10000, 'traffic to a');
    assert.ok(s.applyRoutes([route('web-routes', 'b')], { versionInfo: 'r2' }).ok);
    const switchedAt = seen.length;
    await eventually(() => seen.length > switchedAt + 200, 10000, 'traffic after the switch');
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(failures, []);
    const after = seen.slice(switchedAt + 16);
    assert.ok(after.length > 100 && after.every((x) => x === 'b'), 'requests after the swap go to b');
  });

  it('keeps in-flight requests on the old listener config, on the same port', async () => {
    const s = proxy.server;
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('inline', 'a'))])).ok);
    const port = s.listenerPort('inline');
    const slow = get(port, '/delay/700', { agent: false });
    await new Promise((r) => setTimeout(r, 150));
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('inline', 'b'))])).ok);
    assert.equal(s.listenerPort('inline'), port, 'the socket is reused');
    assert.equal((await get(port, '/new', { agent: false })).backend, 'b');
    const old = await slow;
    assert.equal(old.status, 200);
    assert.equal(old.backend, 'a');
    assert.equal(s.stats.counter('listener_manager.listener_modified').value >= 1, true);
  });

  it('closes connections still on the old config once the drain time (1 s here) is over', async () => {
    const s = proxy.server;
    const port = s.listenerPort('inline');
    const started = Date.now();
    const stuck = get(port, '/delay/4000', { agent: false }).then(
      () => 'completed',
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('inline', 'a'))])).ok);
    assert.equal((await get(port, '/', { agent: false })).backend, 'a');
    assert.equal(s.stats.gauge('listener_manager.total_listeners_draining').value, 0, 'same socket');
    assert.equal(await stuck, 'socket hang up');
    const tookMs = Date.now() - started;
    assert.ok(tookMs > 900 && tookMs < 3000, `closed after ${tookMs} ms`);
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('inline', 'b'))])).ok);
  });

  it('moves a listener to a new address: binds the new port, drains and closes the old one', async () => {
    const s = proxy.server;
    const [first, second] = [await freePort(), await freePort()];
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('mover', 'a', first))])).ok);
    assert.equal((await get(first, '/', { agent: false })).backend, 'a');
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('mover', 'b', second))])).ok);
    assert.equal(s.listenerPort('mover'), second);
    assert.equal((await get(second, '/', { agent: false })).backend, 'b');
    await assert.rejects(get(first, '/', { agent: false }), /ECONNREFUSED/);
    assert.ok((await s.applyListeners([], { removed: ['mover'] })).ok);
  });

  it('hands the socket of a removed listener to a new one on the same address in the same update', async () => {
    const s = proxy.server;
    const port = await freePort();
    assert.ok((await s.applyListeners([validated(TYPE.listener, inlineListener('before', 'a', port))])).ok);
    const renamed = await s.applyListeners([validated(TYPE.listener, inlineListener('after', 'b', port))], {
      removed: ['before'],
    });
    assert.ok(renamed.ok, JSON.stringify(renamed));
    assert.equal(s.listenerPort('after'), port);
    assert.throws(() => s.listenerPort('before'));
    assert.equal((await get(port, '/', { agent: false })).backend, 'b');
    assert.ok((await s.applyListeners([], { removed: ['after'] })).ok);
  });

  it('rejects an update whole when one listener cannot bind, and keeps serving', async () => {
    const s = proxy.server;
    const taken = s.listenerPort('web');
    const result = await s.applyListeners([
      validated(TYPE.listener, inlineListener('inline', 'a')),
      validated(TYPE.listener, inlineListener('clash', 'a', taken)),
    ]);
    assert.ok(!result.ok);
    assert.equal(result.errors[0]!.name, 'clash');
    assert.match(result.errors[0]!.message, /cannot bind 127\.0\.0\.1:\d+: EADDRINUSE/);
    assert.equal(
      (await get(s.listenerPort('inline'), '/', { agent: false })).backend,
      'b',
      'inline unchanged',
    );
  });

  it('removes a listener: it stops accepting', async () => {
    const s = proxy.server;
    const port = s.listenerPort('inline');
    assert.ok((await s.applyListeners([], { removed: ['inline'] })).ok);
    assert.throws(() => s.listenerPort('inline'));
    await assert.rejects(
      new Promise((resolve, reject) =>
        net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject),
      ),
      /ECONNREFUSED/,
    );
  });

  it('warms an EDS cluster until its endpoints arrive, then moves traffic with EDS updates', async () => {
    const s = proxy.server;
    assert.ok(s.applyClusters([eds('svc')]).ok);
    assert.equal(s.clusters.get('svc'), undefined, 'warming clusters are not active');
    assert.deepEqual(s.edsServiceNames(), ['svc']);
    assert.ok(s.applyRoutes([route('web-routes', 'svc')]).ok);
    assert.equal((await get(s.listenerPort('web'))).status, 503, 'unknown cluster while warming');
    assert.ok(s.applyEndpoints([cla('svc', [a.port])], { versionInfo: 'e1' }).ok);
    assert.ok(s.clusters.get('svc') !== undefined);
    assert.equal((await get(s.listenerPort('web'))).backend, 'a');
    assert.ok(s.applyEndpoints([cla('svc', [b.port])], { versionInfo: 'e2' }).ok);
    assert.equal((await get(s.listenerPort('web'))).backend, 'b');
  });

  it('removes a cluster: its routes answer 503', async () => {
    const s = proxy.server;
    assert.ok(s.applyClusters([], { removed: ['svc'] }).ok);
    assert.equal(s.clusters.get('svc'), undefined);
    assert.equal((await get(s.listenerPort('web'))).status, 503);
    assert.equal(s.stats.counter('cluster_manager.cluster_removed').value, 1);
  });
});
