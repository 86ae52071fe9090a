import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { buildRoundRobinPicker, roundRobinFactory } from './round-robin-lb.ts';
import { countPicks, makeHosts, testCluster } from './test-helpers.ts';

describe('round robin', () => {
  it('rotates through equal-weight hosts in order from a random start', () => {
    const hosts = makeHosts(4);
    const starts = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const lb = roundRobinFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(seed));
      const seq = Array.from({ length: 8 }, () => lb.chooseHost(undefined));
      const start = hosts.indexOf(seq[0]!);
      assert.deepEqual(
        seq,
        Array.from({ length: 8 }, (_, i) => hosts[(start + i) % 4]),
      );
      starts.add(seq[0]!.key);
    }
    assert.ok(starts.size > 1, 'the start point should vary with the random source');
  });

  it('gives each host exactly its weight over every full cycle', () => {
    const hosts = makeHosts(3);
    for (const [i, h] of hosts.entries()) h.weight = i + 1;
    for (let seed = 1; seed <= 5; seed++) {
      const lb = roundRobinFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(seed));
      for (let cycle = 0; cycle < 10; cycle++) {
        const counts = countPicks(lb, 6);
        assert.deepEqual(
          hosts.map((h) => counts.get(h.key)),
          [1, 2, 3],
        );
      }
    }
  });

  it('interleaves weighted picks instead of bursting them', () => {
    const hosts = makeHosts(2);
    hosts[0].weight = 4;
    const picker = buildRoundRobinPicker(hosts, () => 0);
    const seq = Array.from({ length: 25 }, () => picker.pick(undefined) === hosts[0]);
    // The light host comes once in every window of 5 picks; the heavy one never runs past 4 + 4.
    for (let start = 0; start + 5 <= seq.length; start++) {
      assert.equal(seq.slice(start, start + 5).filter((heavy) => !heavy).length, 1);
    }
    const w = makeHosts(3);
    w[0].weight = 2;
    w[1].weight = 2;
    const p = buildRoundRobinPicker(w, () => 0);
    const keys = Array.from({ length: 10 }, () => p.pick(undefined)!.key);
    for (let i = 1; i < keys.length; i++) assert.notEqual(keys[i], keys[i - 1], keys.join(' '));
  });

  it('never picks an unhealthy host outside panic', () => {
    const hosts = makeHosts(4);
    hosts[1].healthy = false;
    const lb = roundRobinFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(3));
    const counts = countPicks(lb, 300);
    assert.equal(counts.get(hosts[1].key), undefined);
    assert.deepEqual(
      [hosts[0], hosts[2], hosts[3]].map((h) => counts.get(h.key)),
      [100, 100, 100],
    );
  });

  it('balances across all hosts, healthy or not, in panic', () => {
    const hosts = makeHosts(4);
    hosts[0].healthy = false;
    hosts[1].healthy = false;
    hosts[2].healthy = false;
    const lb = roundRobinFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(3));
    const counts = countPicks(lb, 400);
    assert.deepEqual(
      hosts.map((h) => counts.get(h.key)),
      [100, 100, 100, 100],
    );
  });

  it('returns undefined when no host is available', () => {
    const empty = roundRobinFactory.create(buildPrioritySet([]), testCluster(), mulberry32(1));
    assert.equal(empty.chooseHost(undefined), undefined);
    const down = makeHosts(2, { healthy: false });
    const noPanic = testCluster({ healthyPanicThresholdPercent: 0 });
    const lb = roundRobinFactory.create(buildPrioritySet(down), noPanic, mulberry32(1));
    assert.equal(lb.chooseHost(undefined), undefined);
  });
});
