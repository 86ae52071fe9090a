import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPrioritySet, localityKey, localityWeightKey, localityWeightsOf } from './priority-set.ts';
import { makeHosts, zone } from './test-helpers.ts';

describe('buildPrioritySet', () => {
  it('groups hosts by priority, leaving missing levels empty', () => {
    const p0 = makeHosts(2);
    const p2 = makeHosts(3, { priority: 2 });
    const set = buildPrioritySet([...p2, ...p0], 140);
    assert.equal(set.overprovisioningFactor, 140);
    assert.equal(set.hostSets.length, 3);
    assert.deepEqual(set.hostSets[0].hosts, p0);
    assert.deepEqual(set.hostSets[1].hosts, []);
    assert.deepEqual(set.hostSets[2].hosts, p2);
    assert.deepEqual(
      set.hostSets.map((hs) => hs.priority),
      [0, 1, 2],
    );
  });

  it('keeps healthy hosts apart, per level and per locality', () => {
    const a = makeHosts(3, { locality: zone('a') });
    const b = makeHosts(2, { locality: zone('b'), first: 10 });
    a[1].healthy = false;
    const set = buildPrioritySet([...a, ...b]);
    const level = set.hostSets[0];
    assert.deepEqual(level.healthyHosts, [a[0], a[2], ...b]);
    assert.equal(level.localities.length, 2);
    assert.deepEqual(level.localities[0].locality, zone('a'));
    assert.deepEqual(level.localities[0].hosts, a);
    assert.deepEqual(level.localities[0].healthyHosts, [a[0], a[2]]);
    assert.deepEqual(level.localities[1].healthyHosts, b);
  });

  it('defaults the overprovisioning factor to 140 and locality weights to 0', () => {
    const set = buildPrioritySet(makeHosts(1, { locality: zone('a') }));
    assert.equal(set.overprovisioningFactor, 140);
    assert.equal(set.hostSets[0].localities[0].weight, 0);
  });

  it('reads locality weights by priority and locality', () => {
    const hosts = [
      ...makeHosts(1, { locality: zone('a') }),
      ...makeHosts(1, { locality: zone('b'), first: 5 }),
      ...makeHosts(1, { locality: zone('a'), priority: 1 }),
    ];
    const weights = new Map([
      [localityWeightKey(0, zone('a')), 3],
      [localityWeightKey(0, zone('b')), 1],
      [localityWeightKey(1, zone('a')), 7],
    ]);
    const set = buildPrioritySet(hosts, 140, weights);
    assert.deepEqual(
      set.hostSets[0].localities.map((l) => l.weight),
      [3, 1],
    );
    assert.equal(set.hostSets[1].localities[0].weight, 7);
  });

  it('builds locality weights from a ClusterLoadAssignment', () => {
    const weights = localityWeightsOf({
      clusterName: 'c',
      overprovisioningFactor: 140,
      endpoints: [
        { locality: zone('a'), lbEndpoints: [], loadBalancingWeight: 2, priority: 0 },
        { locality: undefined, lbEndpoints: [], loadBalancingWeight: 5, priority: 1 },
      ],
    });
    assert.equal(weights.get(localityWeightKey(0, zone('a'))), 2);
    assert.equal(weights.get(localityWeightKey(1, undefined)), 5);
  });

  it('treats an unset and an all-empty locality as the same locality', () => {
    assert.equal(localityKey(undefined), '');
    assert.equal(localityKey({ region: '', zone: '', subZone: '' }), '');
    assert.equal(localityKey(zone('a')), 'r1/a/');
  });
});
