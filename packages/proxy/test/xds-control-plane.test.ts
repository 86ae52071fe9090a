/**
 * The proxy against Tandem's own ADS server (packages/control-plane: snapshot cache + AdsServer),
 * asserting on both sides: traffic and /config_dump on the proxy, ACKs and NACKs in the server's
 * status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdsServer, buildSnapshot, type ConnectionStatus, SnapshotCache } from '@tandem/control-plane';
import { adsBootstrap } from './helpers/ads-bootstrap.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { curl } from './helpers/exec.ts';
import { eventually, get } from './helpers/http-get.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';
import {
  edsClusterResource,
  endpointsResource,
  rdsListener,
  routeResource,
  staticClusterResource,
  TYPE,
} from './helpers/xds-resources.ts';

type Json = Record<string, unknown>;

const NODE_ID = 'sidecar~127.0.0.1~web-1.default~default.svc.cluster.local';

function snapshot(version: string, route: string, endpointPort: number, extraClusters: Json[] = []) {
  return buildSnapshot(version, {
    [TYPE.cluster]: [edsClusterResource('svc'), ...extraClusters],
    [TYPE.clusterLoadAssignment]: [endpointsResource('svc', [endpointPort])],
    [TYPE.listener]: [rdsListener('web', 'web-routes')],
    [TYPE.routeConfiguration]: [routeResource('web-routes', route)],
  });
}

describe('xDS client against the control plane ADS server', () => {
  let a: Backend;
  let b: Backend;
  let cache: SnapshotCache;
  let server: AdsServer;
  let port: number;
  let proxy: RunningProxy;
  const web = () => proxy.server.listenerPort('web');
  const connection = (): ConnectionStatus | undefined => server.getStatus().connections[0];
  const typeStatus = (typeUrl: string) => connection()?.types.find((t) => t.typeUrl === typeUrl);
  const acked = (typeUrl: string): boolean => {
    const t = typeStatus(typeUrl);
    return t !== undefined && t.lastSentVersion !== null && t.lastAckedVersion === t.lastSentVersion;
  };

  before(async () => {
    a = await startEchoBackend('a');
    b = await startEchoBackend('b');
    cache = new SnapshotCache();
    cache.setSnapshot(NODE_ID, snapshot('1', 'svc', a.port, [staticClusterResource('b', [b.port])]));
    server = new AdsServer({ cache });
    port = await server.listen('127.0.0.1:0');
    proxy = await startProxy(adsBootstrap(port));
  });

  after(async () => {
    await proxy?.stop();
    await server?.close();
    await a?.close();
    await b?.close();
  });

  it('serves what the snapshot holds, and the server sees every type ACKed', async () => {
    assert.equal((await get(web(), '/', { agent: false })).backend, 'a');
    const conn = connection()!;
    assert.equal(conn.nodeId, NODE_ID);
    assert.equal(conn.nodeCluster, 'web');
    for (const type of [TYPE.cluster, TYPE.clusterLoadAssignment, TYPE.listener, TYPE.routeConfiguration])
      assert.ok(acked(type), `${type} ACKed`);
    const dump = JSON.parse((await curl([`http://127.0.0.1:${proxy.adminPort}/config_dump`])).body);
    const listeners = dump.configs.find((c: Json) => String(c['@type']).endsWith('ListenersConfigDump'));
    assert.equal(listeners.version_info, typeStatus(TYPE.listener)!.lastAckedVersion);
  });

  it('follows snapshot changes: routes, then endpoints', async () => {
    cache.setSnapshot(NODE_ID, snapshot('2', 'b', a.port, [staticClusterResource('b', [b.port])]));
    await eventually(
      async () => (await get(web(), '/', { agent: false })).backend === 'b',
      5000,
      'route to b',
    );
    cache.setSnapshot(NODE_ID, snapshot('3', 'svc', b.port, [staticClusterResource('b', [b.port])]));
    await eventually(async () => (await get(web(), '/', { agent: false })).status === 200, 5000);
    await eventually(() => acked(TYPE.clusterLoadAssignment) && acked(TYPE.routeConfiguration), 5000, 'ACKs');
    assert.equal((await get(web(), '/', { agent: false })).backend, 'b', 'svc endpoints now on b');
  });

  it('NACKs a snapshot with an invalid cluster; the server records why; traffic goes on', async () => {
    const bad = { ...staticClusterResource('broken', [a.port]), lb_policy: 'LOAD_BALANCING_POLICY_CONFIG' };
    cache.setSnapshot(NODE_ID, snapshot('4', 'svc', b.port, [staticClusterResource('b', [b.port]), bad]));
    await eventually(() => typeStatus(TYPE.cluster)?.lastNack != null, 5000, 'NACK');
    const nack = typeStatus(TYPE.cluster)!.lastNack!;
    assert.equal(nack.code, 3);
    assert.match(
      nack.message,
      /cluster "broken": lb_policy: LbPolicy LOAD_BALANCING_POLICY_CONFIG is not supported/,
    );
    assert.notEqual(typeStatus(TYPE.cluster)!.lastAckedVersion, nack.version);
    assert.equal((await get(web(), '/', { agent: false })).backend, 'b');
  });

  it('rides out a control plane restart and resyncs to the snapshot', async () => {
    await server.close();
    await eventually(() => proxy.server.stats.gauge('control_plane.connected_state').value === 0, 5000);
    assert.equal((await get(web(), '/', { agent: false })).backend, 'b');
    cache.setSnapshot(NODE_ID, snapshot('5', 'svc', a.port, [staticClusterResource('b', [b.port])]));
    server = new AdsServer({ cache });
    await server.listen(`127.0.0.1:${port}`);
    // Explicitly named subscriptions are always answered; wildcard ones whose version the proxy
    // reports as current are not (the server takes the reported version as ACKed).
    await eventually(
      () => acked(TYPE.clusterLoadAssignment) && acked(TYPE.routeConfiguration),
      15000,
      'resync',
    );
    await eventually(
      async () => (await get(web(), '/', { agent: false })).backend === 'a',
      5000,
      'EDS after restart',
    );
    const dump = JSON.parse((await curl([`http://127.0.0.1:${proxy.adminPort}/config_dump`])).body);
    const clusters = dump.configs.find((c: Json) => String(c['@type']).endsWith('ClustersConfigDump'));
    assert.equal(clusters.version_info, typeStatus(TYPE.cluster)!.lastAckedVersion, 'reported on reconnect');
    const listeners = dump.configs.find((c: Json) => String(c['@type']).endsWith('ListenersConfigDump'));
    assert.equal(listeners.version_info, typeStatus(TYPE.listener)!.lastAckedVersion);
    assert.deepEqual(clusters.dynamic_active_clusters.map((c: { cluster: Json }) => c.cluster.name).sort(), [
      'b',
      'svc',
    ]);
  });
});
