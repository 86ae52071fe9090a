import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter } from '../../stats/stats.ts';
import { BUILTIN_LOAD_BALANCERS } from './builtin.ts';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { countPicks, makeHosts, picksOn, randomHashes, testCluster } from './test-helpers.ts';

const KEYS = randomHashes(5, 20000);

/** P0: `p0Healthy` of 10 healthy; P1: 10 healthy hosts. */
function twoLevels(p0Healthy: number) {
  const p0 = makeHosts(10);
  const p1 = makeHosts(10, { priority: 1 });
  for (let i = p0Healthy; i < 10; i++) p0[i].healthy = false;
  return { p0, p1, set: buildPrioritySet([...p0, ...p1], 140) };
}

for (const factory of BUILTIN_LOAD_BALANCERS) {
  describe(`${factory.policy} across priorities`, () => {
    const cluster = testCluster({ lbPolicy: factory.policy });
    const hashAt = (i: number) => KEYS[i];

    it('uses only P0 while P0 is healthy', () => {
      const { p0, set } = twoLevels(10);
      const lb = factory.create(set, cluster, mulberry32(1));
      assert.equal(picksOn(countPicks(lb, 5000), p0), 5000);
      assert.equal(picksOn(countPicks(lb, 5000, hashAt), p0), 5000);
    });

    it('sends 70% to a half-healthy P0 (overprovisioning 1.4) and 30% to P1', () => {
      const { p0, p1, set } = twoLevels(5);
      const lb = factory.create(set, cluster, mulberry32(2));
      const counts = countPicks(lb, 20000);
      assert.ok(Math.abs(picksOn(counts, p0) / 20000 - 0.7) < 0.01, `P0 ${picksOn(counts, p0)}`);
      assert.ok(Math.abs(picksOn(counts, p1) / 20000 - 0.3) < 0.01);
      assert.equal(picksOn(counts, p0.slice(5)), 0, 'unhealthy P0 hosts');
      const hashed = countPicks(lb, KEYS.length, hashAt);
      assert.ok(Math.abs(picksOn(hashed, p0) / KEYS.length - 0.7) < 0.01);
    });

    it('balances over all hosts of a level in panic and counts it', () => {
      const hosts = makeHosts(10);
      for (let i = 0; i < 6; i++) hosts[i].healthy = false;
      const healthyPanic = new Counter();
      const lb = factory.create(buildPrioritySet(hosts), cluster, mulberry32(3), { healthyPanic });
      const counts = countPicks(lb, 10000);
      assert.ok(picksOn(counts, hosts.slice(0, 6)) > 4000, 'unhealthy hosts take traffic in panic');
      assert.equal(healthyPanic.value, 10000);
    });

    it('does not panic when a lower level makes up the health', () => {
      const { p0, set } = twoLevels(2);
      const healthyPanic = new Counter();
      const lb = factory.create(set, cluster, mulberry32(4), { healthyPanic });
      const counts = countPicks(lb, 5000);
      assert.equal(picksOn(counts, p0.slice(2)), 0);
      assert.equal(healthyPanic.value, 0);
    });

    it('returns undefined with no hosts, or none healthy and panic disabled', () => {
      assert.equal(
        factory.create(buildPrioritySet([]), cluster, mulberry32(1)).chooseHost(undefined),
        undefined,
      );
      const down = buildPrioritySet(makeHosts(3, { healthy: false }));
      const noPanic = testCluster({ lbPolicy: factory.policy, healthyPanicThresholdPercent: 0 });
      const lb = factory.create(down, noPanic, mulberry32(1));
      assert.equal(lb.chooseHost(undefined), undefined);
      assert.equal(lb.chooseHost({ hash: 123 }), undefined);
    });
  });
}

describe('consistent hashing across priorities', () => {
  it('keeps one key on one level and one host', () => {
    for (const factory of BUILTIN_LOAD_BALANCERS.filter(
      (f) => f.policy === 'RING_HASH' || f.policy === 'MAGLEV',
    )) {
      const { set } = twoLevels(5);
      const lb = factory.create(set, testCluster({ lbPolicy: factory.policy }), mulberry32(1));
      for (const hash of KEYS.subarray(0, 1000)) {
        const host = lb.chooseHost({ hash });
        assert.equal(host?.priority, hash % 100 < 70 ? 0 : 1);
        assert.equal(lb.chooseHost({ hash }), host);
      }
    }
  });
});
