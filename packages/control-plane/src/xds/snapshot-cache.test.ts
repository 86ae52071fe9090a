import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExtensionTypeUrls, TypeUrls } from '@tandem/xds-proto';
import { buildSnapshot, type Snapshot } from './snapshot.ts';
import { SnapshotCache } from './snapshot-cache.ts';
import { edsCluster, rdsListener, routeTo, sampleSnapshot } from './testing/sample-snapshot.ts';
import { XdsServerError, XdsServerErrorCode } from './xds-server-error.ts';

describe('buildSnapshot', () => {
  it('names resources, hashes their bytes, and versions each type by content', () => {
    const a = sampleSnapshot({ version: '1' });
    const b = sampleSnapshot({ version: '2' });
    assert.deepEqual([...a.resources.get(TypeUrls.clusterLoadAssignment)!.keys()], ['web', 'api']);
    assert.deepEqual(a.typeVersions, b.typeVersions);
    const c = sampleSnapshot({ clusters: { web: [8081], api: [9090] } });
    assert.equal(c.typeVersions.get(TypeUrls.cluster), a.typeVersions.get(TypeUrls.cluster));
    assert.notEqual(
      c.typeVersions.get(TypeUrls.clusterLoadAssignment),
      a.typeVersions.get(TypeUrls.clusterLoadAssignment),
    );
    const api = (s: Snapshot) => s.resources.get(TypeUrls.clusterLoadAssignment)!.get('api')!.version;
    assert.equal(api(c), api(a));
  });

  it('rejects unnamed, duplicate and unencodable resources with the resource and field', () => {
    assert.throws(() => buildSnapshot('1', { [TypeUrls.cluster]: [{ type: 'EDS' }] }), {
      code: XdsServerErrorCode.invalidResource,
      message: 'Cluster resource #0 has no name',
    });
    assert.throws(() => buildSnapshot('1', { [TypeUrls.cluster]: [edsCluster('a'), edsCluster('a')] }), {
      code: XdsServerErrorCode.invalidResource,
      message: 'snapshot 1: two Cluster resources are named "a"',
    });
    assert.throws(() => buildSnapshot('1', { [TypeUrls.cluster]: [{ name: 'a', conect_timeout: '1s' }] }), {
      code: XdsServerErrorCode.invalidResource,
      message:
        /^Cluster "a": conect_timeout: unknown field in envoy.config.cluster.v3.Cluster; did you mean "connect_timeout"\?/,
    });
  });
});

describe('SnapshotCache', () => {
  it('rejects a snapshot whose listener names a missing route configuration, keeping the previous one', () => {
    const cache = new SnapshotCache();
    const good = sampleSnapshot();
    cache.setSnapshot('n', good);
    const bad = buildSnapshot('2', { [TypeUrls.listener]: [rdsListener('http', 80, 'nope')] });
    assert.throws(
      () => cache.setSnapshot('n', bad),
      (error: unknown) =>
        error instanceof XdsServerError &&
        error.code === XdsServerErrorCode.inconsistentSnapshot &&
        error.message ===
          'snapshot 2 is inconsistent: missing RouteConfiguration "nope" (used by Listener "http")',
    );
    assert.equal(cache.getSnapshot('n'), good);
  });

  it('requires a ClusterLoadAssignment for each EDS cluster, by service name when given', () => {
    const cache = new SnapshotCache();
    const snapshot = buildSnapshot('3', {
      [TypeUrls.cluster]: [
        { ...edsCluster('web'), eds_cluster_config: { eds_config: { ads: {} }, service_name: 'web-v1' } },
        { name: 'static', type: 'STATIC' },
      ],
      [TypeUrls.clusterLoadAssignment]: [{ cluster_name: 'web' }],
    });
    assert.throws(() => cache.setSnapshot('n', snapshot), {
      message:
        'snapshot 3 is inconsistent: missing ClusterLoadAssignment "web-v1" (used by EDS Cluster "web")',
    });
  });

  it('follows RDS references of a gRPC api_listener and of camelCase JSON', () => {
    const apiListener = {
      name: 'echo.test:8080',
      apiListener: {
        apiListener: {
          '@type': ExtensionTypeUrls.httpConnectionManager,
          rds: { routeConfigName: 'echo-routes', configSource: { ads: {} } },
        },
      },
    };
    const missing = buildSnapshot('4', { [TypeUrls.listener]: [apiListener] });
    assert.throws(() => new SnapshotCache().setSnapshot('n', missing), {
      message: /RouteConfiguration "echo-routes"/,
    });
    const complete = buildSnapshot('5', {
      [TypeUrls.listener]: [apiListener],
      [TypeUrls.routeConfiguration]: [routeTo('echo-routes', 'echo'), routeTo('unused', 'echo')],
    });
    new SnapshotCache().setSnapshot('n', complete);
  });

  it('notifies the watches of a key, once per new snapshot, until they stop', () => {
    const cache = new SnapshotCache();
    const seen: string[] = [];
    const stop = cache.watch('n', (snapshot) => seen.push(snapshot.version));
    cache.watch('other', () => seen.push('other'));
    const first = sampleSnapshot({ version: '1' });
    cache.setSnapshot('n', first);
    cache.setSnapshot('n', first);
    cache.setSnapshot('n', sampleSnapshot({ version: '2' }));
    stop();
    cache.setSnapshot('n', sampleSnapshot({ version: '3' }));
    assert.deepEqual(seen, ['1', '2']);
    assert.equal(cache.watchCount('n'), 0);
    assert.deepEqual(cache.nodeKeys(), ['n']);
    cache.clearSnapshot('n');
    assert.equal(cache.getSnapshot('n'), undefined);
  });
});
