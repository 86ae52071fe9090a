/**
 * The proxy driven over ADS by a management server (a minimal in-test one on @grpc/grpc-js):
 * initial configuration, route/listener/cluster/endpoint updates with traffic flowing, NACKs,
 * and the control plane going away and coming back. The steps build on each other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adsBootstrap } from './helpers/ads-bootstrap.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { curl } from './helpers/exec.ts';
import { closeIdleSockets, eventually, get } from './helpers/http-get.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';
import { TestAdsServer } from './helpers/test-ads-server.ts';
import {
  edsClusterResource,
  endpointsResource,
  inlineListener,
  rdsListener,
  routeResource,
  staticClusterResource,
  TYPE,
} from './helpers/xds-resources.ts';

type Json = Record<string, unknown>;

describe('xDS client over ADS', () => {
  let a: Backend;
  let b: Backend;
  let ads: TestAdsServer;
  let proxy: RunningProxy;
  const webPort = (): number => proxy.server.listenerPort('web');
  const stat = (name: string): number =>
    proxy.server.stats.counters.get(name)?.value ?? proxy.server.stats.gauges.get(name)?.value ?? 0;
  const configDump = async (): Promise<Json[]> =>
    JSON.parse((await curl([`http://127.0.0.1:${proxy.adminPort}/config_dump?include_eds`])).body).configs;
  const dumpOf = async (type: string): Promise<Json> =>
    (await configDump()).find((c) => String(c['@type']).endsWith(type))!;

  before(async () => {
    a = await startEchoBackend('a');
    b = await startEchoBackend('b');
    ads = await TestAdsServer.start();
    ads.set(TYPE.cluster, 'c1', [edsClusterResource('svc'), staticClusterResource('b', [b.port])]);
    ads.set(TYPE.clusterLoadAssignment, 'e1', [endpointsResource('svc', [a.port])]);
    ads.set(TYPE.listener, 'l1', [rdsListener('web', 'web-routes')]);
    ads.set(TYPE.routeConfiguration, 'r1', [
      routeResource('web-routes', 'svc'),
      routeResource('alt-routes', 'b'),
    ]);
    proxy = await startProxy(adsBootstrap(ads.port));
  });

  after(async () => {
    closeIdleSockets();
    await proxy?.stop();
    await ads?.stop();
    await a?.close();
    await b?.close();
  });

  it('starts LIVE with what ADS delivered, in Envoy order, and ACKs every type', async () => {
    const res = await curl([`http://127.0.0.1:${webPort()}/hello`]);
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-backend']?.[0], 'a');
    assert.equal((await curl([`http://127.0.0.1:${proxy.adminPort}/ready`])).body, 'LIVE\n');
    const firsts = [...new Set(ads.requests.map((r) => r.type_url))];
    assert.deepEqual(firsts, [
      TYPE.cluster,
      TYPE.clusterLoadAssignment,
      TYPE.listener,
      TYPE.routeConfiguration,
    ]);
    const node = ads.requests[0]!.node!;
    assert.equal(node.id, 'sidecar~127.0.0.1~web-1.default~default.svc.cluster.local');
    assert.equal(node.cluster, 'web');
    assert.equal(node.user_agent_name, 'tandem');
    assert.deepEqual(node.locality, { region: 'eu-west-1', zone: 'eu-west-1a', sub_zone: '' });
    assert.equal(node.metadata?.fields.NAMESPACE?.stringValue, 'default');
    assert.ok(
      ads.requests.slice(1).every((r) => r.node === null),
      'node only on the first request',
    );
    assert.deepEqual(ads.requestsOf(TYPE.clusterLoadAssignment)[0]!.resource_names, ['svc']);
    assert.deepEqual(ads.requestsOf(TYPE.routeConfiguration)[0]!.resource_names, ['web-routes']);
    for (const [type, version] of [
      [TYPE.cluster, 'c1'],
      [TYPE.clusterLoadAssignment, 'e1'],
      [TYPE.listener, 'l1'],
      [TYPE.routeConfiguration, 'r1'],
    ] as const)
      assert.ok(ads.ackOf(type, version), `ACK of ${type} ${version}`);
    assert.equal(stat('control_plane.connected_state'), 1);
    assert.equal(stat('listener_manager.lds.update_success'), 1);
    assert.equal(stat('cluster_manager.cds.update_success'), 1);
  });

  it('shows dynamic resources in /config_dump with version_info and last_updated', async () => {
    const listeners = await dumpOf('ListenersConfigDump');
    assert.equal(listeners.version_info, 'l1');
    const web = (listeners.dynamic_listeners as Json[])[0]!;
    const active = web.active_state as Json;
    assert.equal(active.version_info, 'l1');
    assert.equal((active.listener as Json)['@type'], TYPE.listener);
    assert.equal((active.listener as Json).name, 'web');
    assert.match(String(active.last_updated), /^\d{4}-\d\d-\d\dT/);
    const clusters = await dumpOf('ClustersConfigDump');
    assert.equal((clusters.static_clusters as Json[]).length, 1);
    const names = (clusters.dynamic_active_clusters as Json[]).map((c) => (c.cluster as Json).name).sort();
    assert.deepEqual(names, ['b', 'svc']);
    const routes = await dumpOf('RoutesConfigDump');
    assert.deepEqual(
      (routes.dynamic_route_configs as Json[]).map((r) => [(r.route_config as Json).name, r.version_info]),
      [['web-routes', 'r1']],
    );
    const endpoints = await dumpOf('EndpointsConfigDump');
    assert.equal((endpoints.dynamic_endpoint_configs as Json[])[0]!.version_info, 'e1');
  });

  it('moves traffic on a route update without failing a request', async () => {
    const seen: string[] = [];
    const failures: unknown[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await get(webPort(), '/hammer');
          if (r.status === 200) seen.push(r.backend);
          else failures.push(r.status);
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await eventually(() => seen.length > 200, 10000, 'traffic before the update');
    ads.set(TYPE.routeConfiguration, 'r2', [
      routeResource('web-routes', 'b'),
      routeResource('alt-routes', 'svc'),
    ]);
    await eventually(() => ads.ackOf(TYPE.routeConfiguration, 'r2') !== undefined, 5000, 'ACK of r2');
    const switchedAt = seen.length;
    await eventually(() => seen.length > switchedAt + 200, 10000, 'traffic after the update');
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(failures, []);
    const later = seen.slice(switchedAt + 16);
    assert.ok(later.length > 100 && later.every((x) => x === 'b'));
  });

  it('keeps an in-flight request on the old listener config during a listener update', async () => {
    const port = webPort();
    const slow = get(port, '/delay/800', { agent: false });
    await new Promise((r) => setTimeout(r, 150));
    ads.set(TYPE.listener, 'l2', [rdsListener('web', 'alt-routes', 0, { stat_prefix: 'web_v2' })]);
    await eventually(async () => (await get(port, '/new', { agent: false })).backend === 'a', 5000, 'l2');
    assert.ok(stat('http.web_v2.downstream_rq_total') > 0, 'requests on the new config');
    assert.equal(webPort(), port, 'the socket is reused');
    assert.ok(ads.ackOf(TYPE.listener, 'l2'));
    await eventually(
      () => ads.requestsOf(TYPE.routeConfiguration).at(-1)!.resource_names.join() === 'alt-routes',
      5000,
      'RDS names follow the listeners',
    );
    const old = await slow;
    assert.equal(old.status, 200);
    assert.equal(old.backend, 'b', 'web-routes routed it to b when it started');
    assert.equal(stat('listener_manager.listener_modified'), 1);
  });

  it('NACKs an invalid resource with its name and reason, and keeps serving the previous config', async () => {
    const bad = staticClusterResource('broken', [a.port]);
    (bad as Json).lb_policy = 'LOAD_BALANCING_POLICY_CONFIG';
    ads.set(TYPE.cluster, 'c2', [edsClusterResource('svc'), staticClusterResource('b', [b.port]), bad]);
    await eventually(() => ads.nacksOf(TYPE.cluster).length === 1, 5000, 'NACK of c2');
    const nack = ads.nacksOf(TYPE.cluster)[0]!;
    assert.equal(nack.version_info, 'c1', 'a NACK carries the last accepted version');
    assert.match(
      nack.error_detail!.message,
      /cluster "broken": lb_policy: LbPolicy LOAD_BALANCING_POLICY_CONFIG is not supported by Tandem/,
    );
    assert.equal(stat('cluster_manager.cds.update_rejected'), 1);
    assert.equal(proxy.server.clusters.get('broken'), undefined);
    assert.ok(proxy.server.clusters.get('b') !== undefined);
    assert.equal((await get(webPort())).backend, 'a');
    ads.set(TYPE.cluster, 'c3', [edsClusterResource('svc'), staticClusterResource('b', [b.port])]);
    await eventually(() => ads.ackOf(TYPE.cluster, 'c3') !== undefined, 5000, 'ACK of c3');
  });

  it('NACKs a listener update that cannot be applied (port in use), changing nothing', async () => {
    const web = rdsListener('web', 'alt-routes', 0, { stat_prefix: 'web_v2' });
    ads.set(TYPE.listener, 'l3', [web, inlineListener('clash', 'b', webPort())]);
    await eventually(() => ads.nacksOf(TYPE.listener).length === 1, 5000, 'NACK of l3');
    const nack = ads.nacksOf(TYPE.listener)[0]!;
    assert.equal(nack.version_info, 'l2');
    assert.match(
      nack.error_detail!.message,
      /^listener update rejected \(version_info "l3"\): listener "clash": cannot bind 127\.0\.0\.1:\d+: EADDRINUSE$/,
    );
    assert.throws(() => proxy.server.listenerPort('clash'));
    ads.set(TYPE.listener, 'l4', [web]);
    await eventually(() => ads.ackOf(TYPE.listener, 'l4') !== undefined, 5000, 'ACK of l4');
    assert.equal(stat('listener_manager.listener_modified'), 1, 'l4 is l2 again: nothing to do');
  });

  it('keeps serving while the control plane is down, then reconnects and resyncs', async () => {
    await ads.stop();
    await eventually(() => stat('control_plane.connected_state') === 0, 5000, 'disconnect');
    for (let i = 0; i < 5; i++) assert.equal((await get(webPort(), '/', { agent: false })).backend, 'a');
    const before = ads.requests.length;
    ads.set(TYPE.routeConfiguration, 'r3', [
      routeResource('web-routes', 'b'),
      routeResource('alt-routes', 'b'),
    ]);
    await ads.restart();
    await eventually(() => stat('control_plane.connected_state') === 1, 15000, 'reconnect');
    await eventually(() => ads.ackOf(TYPE.routeConfiguration, 'r3') !== undefined, 5000, 'resync of RDS');
    const resent = ads.requests.slice(before);
    const first = (type: string) => resent.find((r) => r.type_url === type)!;
    assert.equal(first(TYPE.cluster).version_info, 'c3');
    assert.equal(first(TYPE.clusterLoadAssignment).version_info, 'e1');
    assert.equal(first(TYPE.listener).version_info, 'l4');
    assert.equal(first(TYPE.routeConfiguration).version_info, 'r2');
    assert.deepEqual(first(TYPE.routeConfiguration).resource_names, ['alt-routes']);
    assert.equal(first(TYPE.cluster).response_nonce, '', 'a new stream starts without nonces');
    assert.ok(resent[0]!.node !== null, 'the node is sent again on the new stream');
    const routes = await dumpOf('RoutesConfigDump');
    assert.deepEqual(
      (routes.dynamic_route_configs as Json[]).map((r) => r.version_info),
      ['r3'],
    );
    assert.equal((await get(webPort(), '/', { agent: false })).backend, 'b');
  });

  it('moves traffic when EDS changes the endpoints', async () => {
    ads.set(TYPE.routeConfiguration, 'r4', [routeResource('alt-routes', 'svc')]);
    await eventually(async () => (await get(webPort(), '/', { agent: false })).backend === 'a', 5000, 'r4');
    ads.set(TYPE.clusterLoadAssignment, 'e2', [endpointsResource('svc', [b.port])]);
    await eventually(async () => (await get(webPort(), '/', { agent: false })).backend === 'b', 5000, 'e2');
    assert.ok(ads.ackOf(TYPE.clusterLoadAssignment, 'e2'));
  });

  it('removes a cluster that CDS no longer lists', async () => {
    ads.set(TYPE.cluster, 'c4', [staticClusterResource('b', [b.port])]);
    await eventually(() => ads.ackOf(TYPE.cluster, 'c4') !== undefined, 5000, 'ACK of c4');
    assert.equal(proxy.server.clusters.get('svc'), undefined);
    assert.equal(stat('cluster_manager.cluster_removed'), 1);
    assert.equal((await get(webPort(), '/', { agent: false })).status, 503, 'alt-routes -> svc: gone');
    await eventually(
      () => ads.requestsOf(TYPE.clusterLoadAssignment).at(-1)!.resource_names.length === 0,
      5000,
      'EDS unsubscribed',
    );
    const clusters = await dumpOf('ClustersConfigDump');
    assert.equal(clusters.version_info, 'c4');
    assert.deepEqual(
      (clusters.dynamic_active_clusters as Json[]).map((c) => (c.cluster as Json).name),
      ['b'],
    );
  });
});
