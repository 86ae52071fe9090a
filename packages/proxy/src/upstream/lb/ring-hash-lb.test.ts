import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Host } from '../host.ts';
import { consistentHashWeights } from './consistent-hash-weights.ts';
import { hashString } from './hash.ts';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { buildHashRing, ringEntryCounts, ringHashFactory } from './ring-hash-lb.ts';
import { countPicks, makeHosts, randomHashes, testCluster } from './test-helpers.ts';

const SIZES = { minimumRingSize: 1024, maximumRingSize: 8388608 };
const KEYS = randomHashes(77, 50000);

function ringOf(hosts: readonly Host[], sizes = SIZES) {
  const weighted = consistentHashWeights(buildPrioritySet(hosts).hostSets[0], false, false);
  return buildHashRing(weighted, mulberry32(1), sizes);
}

describe('ringEntryCounts', () => {
  it('scales so the lightest host gets a whole share of at least the minimum size', () => {
    assert.deepEqual(
      [...ringEntryCounts(Float64Array.of(1 / 3, 1 / 3, 1 / 3), 1024, 8388608)],
      [342, 342, 342],
    );
    assert.deepEqual(
      [...ringEntryCounts(Float64Array.of(1 / 6, 2 / 6, 3 / 6), 1024, 8388608)],
      [171, 342, 513],
    );
    assert.deepEqual([...ringEntryCounts(Float64Array.of(0.5, 0.5), 1, 8388608)], [1, 1]);
  });

  it('caps the ring at the maximum size', () => {
    const counts = ringEntryCounts(Float64Array.of(0.001, 0.999), 1024, 2000);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      2000,
    );
    assert.deepEqual([...counts], [2, 1998]);
  });
});

describe('ring hash', () => {
  it('builds a sorted ring with entries per host in proportion to weight', () => {
    const hosts = makeHosts(3);
    for (const [i, h] of hosts.entries()) h.weight = i + 1;
    const ring = ringOf(hosts);
    assert.equal(ring.hashes.length, 1026);
    for (let i = 1; i < ring.hashes.length; i++) assert.ok(ring.hashes[i - 1] <= ring.hashes[i]);
    const perHost = [0, 0, 0];
    for (const owner of ring.owners) perHost[owner]++;
    assert.deepEqual(perHost, [171, 342, 513]);
    assert.equal(ring.hosts[ring.owners[0]], ring.pick(0));
    assert.equal(ring.hosts[ring.owners[0]], ring.pick(ring.hashes[ring.hashes.length - 1] + 1));
    assert.equal(ring.hosts[ring.owners[5]], ring.pick(ring.hashes[5]));
  });

  it('sends the same key to the same host, across rebuilds and random sources', () => {
    const hosts = makeHosts(8);
    const a = ringHashFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(1));
    const b = ringHashFactory.create(buildPrioritySet(makeHosts(8)), testCluster(), mulberry32(2));
    for (const hash of KEYS.subarray(0, 2000)) {
      const host = a.chooseHost({ hash });
      assert.equal(a.chooseHost({ hash }), host);
      assert.equal(b.chooseHost({ hash })?.key, host?.key);
    }
    const key = hashString('user-1234');
    assert.equal(a.chooseHost({ hash: key }), a.chooseHost({ hash: key }));
  });

  it('moves about 1/N of the keys when a host joins', () => {
    const hosts = makeHosts(11);
    const before = ringOf(hosts.slice(0, 10));
    const after = ringOf(hosts);
    let moved = 0;
    let toNewHost = 0;
    for (const hash of KEYS) {
      const was = before.pick(hash);
      const now = after.pick(hash);
      if (was !== now) moved++;
      if (now === hosts[10]) toNewHost++;
    }
    // The new host takes ~1/11. Envoy sizes the ring by host count, so the other hosts'
    // entry counts shrink a little (103 → 94 each) and some keys shift between them too.
    assert.ok(Math.abs(toNewHost / KEYS.length - 1 / 11) < 0.03, `to new host ${toNewHost}`);
    assert.ok(moved / KEYS.length < 2 / 11, `moved ${moved}`);
  });

  it('moves only the keys of a leaving host when entry counts stay the same', () => {
    const hosts = makeHosts(8);
    // With a minimum size of 49, both 8 and 7 hosts get ceil(49 / N) = 7 entries each.
    const sizes = { minimumRingSize: 49, maximumRingSize: 8388608 };
    assert.equal(ringOf(hosts, sizes).hashes.length, 56);
    assert.equal(ringOf(hosts.slice(1), sizes).hashes.length, 49);
    const before = ringOf(hosts, sizes);
    const after = ringOf(hosts.slice(1), sizes);
    for (const hash of KEYS) {
      const was = before.pick(hash);
      if (was !== hosts[0]) assert.equal(after.pick(hash), was);
    }
  });

  it('spreads keys in proportion to weight', () => {
    const hosts = makeHosts(3);
    for (const [i, h] of hosts.entries()) h.weight = i + 1;
    const cluster = testCluster({
      lbPolicy: 'RING_HASH',
      ringHash: { minimumRingSize: 16384, maximumRingSize: 8388608 },
    });
    const lb = ringHashFactory.create(buildPrioritySet(hosts), cluster, mulberry32(1));
    const counts = countPicks(lb, KEYS.length, (i) => KEYS[i]);
    hosts.forEach((h, i) => {
      const share = (counts.get(h.key) ?? 0) / KEYS.length;
      assert.ok(Math.abs(share - (i + 1) / 6) < 0.02, `${h.key}: ${share}`);
    });
  });

  it('picks a random point for requests without a hash, still by weight', () => {
    const hosts = makeHosts(2);
    hosts[1].weight = 3;
    const lb = ringHashFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(12));
    const counts = countPicks(lb, 20000);
    assert.ok(Math.abs((counts.get(hosts[1].key) ?? 0) / 20000 - 0.75) < 0.03);
  });

  it('leaves unhealthy hosts off the ring and puts them back in panic', () => {
    const hosts = makeHosts(4);
    hosts[2].healthy = false;
    const lb = ringHashFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(1));
    assert.equal(countPicks(lb, 5000, (i) => KEYS[i]).get(hosts[2].key), undefined);
    hosts[0].healthy = false;
    hosts[1].healthy = false;
    const panicked = ringHashFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(1));
    assert.ok((countPicks(panicked, 5000, (i) => KEYS[i]).get(hosts[2].key) ?? 0) > 500);
  });
});
