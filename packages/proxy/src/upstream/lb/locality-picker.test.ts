import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Host } from '../host.ts';
import { BUILTIN_LOAD_BALANCERS } from './builtin.ts';
import { effectiveLocalityWeight } from './locality-picker.ts';
import { buildPrioritySet, localityWeightKey } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { roundRobinFactory } from './round-robin-lb.ts';
import { countPicks, makeHosts, picksOn, randomHashes, testCluster, zone } from './test-helpers.ts';

/** Zone a (weight wa) with `na` hosts, zone b (weight wb) with `nb` hosts. */
function twoZones(wa: number, na: number, wb: number, nb: number) {
  const a = makeHosts(na, { locality: zone('a') });
  const b = makeHosts(nb, { locality: zone('b'), first: 100 });
  const weights = new Map([
    [localityWeightKey(0, zone('a')), wa],
    [localityWeightKey(0, zone('b')), wb],
  ]);
  return { a, b, set: () => buildPrioritySet([...a, ...b], 140, weights) };
}

function markDown(hosts: readonly Host[], count: number): void {
  for (let i = 0; i < count; i++) hosts[i].healthy = false;
}

describe('effectiveLocalityWeight', () => {
  it('is weight times availability, availability capped at 1', () => {
    const hosts = makeHosts(10);
    const all = { locality: zone('a'), weight: 3, hosts, healthyHosts: hosts };
    assert.equal(effectiveLocalityWeight(all, 140), 3);
    assert.equal(effectiveLocalityWeight({ ...all, healthyHosts: hosts.slice(0, 8) }, 140), 3);
    assert.ok(
      Math.abs(effectiveLocalityWeight({ ...all, healthyHosts: hosts.slice(0, 5) }, 140) - 2.1) < 1e-12,
    );
    assert.equal(effectiveLocalityWeight({ ...all, healthyHosts: [] }, 140), 0);
    assert.equal(effectiveLocalityWeight({ ...all, weight: 0 }, 140), 0);
  });
});

describe('locality-weighted LB', () => {
  const cluster = testCluster({ localityWeightedLb: true });

  it('splits traffic by locality weight, not host count', () => {
    const { a, b, set } = twoZones(1, 4, 3, 2);
    const lb = roundRobinFactory.create(set(), cluster, mulberry32(1));
    const counts = countPicks(lb, 4000);
    assert.equal(picksOn(counts, a), 1000);
    assert.equal(picksOn(counts, b), 3000);
    for (const h of a) assert.equal(counts.get(h.key), 250);
  });

  it('scales a locality by its availability', () => {
    const { a, b, set } = twoZones(1, 10, 1, 10);
    markDown(b, 5);
    // Effective weights 1 and 0.5 * 1.4 = 0.7.
    const counts = countPicks(roundRobinFactory.create(set(), cluster, mulberry32(1)), 17000);
    assert.ok(Math.abs(picksOn(counts, a) - 10000) <= 1, `${picksOn(counts, a)}`);
    assert.equal(picksOn(counts, b.slice(0, 5)), 0);
  });

  it('applies to every per-host policy', () => {
    for (const factory of BUILTIN_LOAD_BALANCERS) {
      if (factory.policy === 'RING_HASH' || factory.policy === 'MAGLEV') continue;
      const { b, set } = twoZones(1, 3, 4, 3);
      const lb = factory.create(
        set(),
        testCluster({ lbPolicy: factory.policy, localityWeightedLb: true }),
        mulberry32(9),
      );
      assert.ok(Math.abs(picksOn(countPicks(lb, 10000), b) / 10000 - 0.8) < 0.01, factory.policy);
    }
  });

  it('weights hosts on rings and tables by locality share', () => {
    const keys = randomHashes(3, 40000);
    for (const factory of BUILTIN_LOAD_BALANCERS) {
      if (factory.policy !== 'RING_HASH' && factory.policy !== 'MAGLEV') continue;
      const { b, set } = twoZones(1, 3, 3, 1);
      const policyCluster = testCluster({ lbPolicy: factory.policy, localityWeightedLb: true });
      const lb = factory.create(set(), policyCluster, mulberry32(9));
      const share =
        picksOn(
          countPicks(lb, keys.length, (i) => keys[i]),
          b,
        ) / keys.length;
      assert.ok(Math.abs(share - 0.75) < 0.03, `${factory.policy}: ${share}`);
    }
  });

  it('falls back to all healthy hosts when no locality has weight', () => {
    const { a, b, set } = twoZones(0, 1, 0, 3);
    const counts = countPicks(roundRobinFactory.create(set(), cluster, mulberry32(1)), 4000);
    assert.equal(picksOn(counts, a), 1000);
    assert.equal(picksOn(counts, b), 3000);
  });

  it('is ignored when the cluster does not ask for it', () => {
    const { a, set } = twoZones(1, 1, 9, 1);
    const counts = countPicks(roundRobinFactory.create(set(), testCluster(), mulberry32(1)), 1000);
    assert.equal(picksOn(counts, a), 500);
  });

  it('ignores localities in panic and balances over all hosts', () => {
    const { a, b, set } = twoZones(1, 5, 1, 5);
    markDown(a, 5);
    markDown(b, 2);
    const counts = countPicks(roundRobinFactory.create(set(), cluster, mulberry32(1)), 1000);
    assert.equal(picksOn(counts, a), 500);
    assert.equal(picksOn(counts, b), 500);
  });
});
