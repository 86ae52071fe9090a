import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { randomFactory } from './random-lb.ts';
import { countPicks, makeHosts, testCluster } from './test-helpers.ts';

describe('random', () => {
  it('spreads uniformly over equal-weight hosts', () => {
    const hosts = makeHosts(5);
    const lb = randomFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(21));
    const counts = countPicks(lb, 50000);
    for (const h of hosts) assert.ok(Math.abs((counts.get(h.key) ?? 0) / 50000 - 0.2) < 0.01);
  });

  it('follows weights when they differ', () => {
    const hosts = makeHosts(3);
    hosts[0].weight = 1;
    hosts[1].weight = 3;
    hosts[2].weight = 6;
    const lb = randomFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(8));
    const counts = countPicks(lb, 50000);
    const shares = hosts.map((h) => (counts.get(h.key) ?? 0) / 50000);
    for (const [i, want] of [0.1, 0.3, 0.6].entries())
      assert.ok(Math.abs(shares[i] - want) < 0.01, `${shares}`);
  });

  it('is reproducible for a seed', () => {
    const hosts = makeHosts(5);
    const a = randomFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(3));
    const b = randomFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(3));
    for (let i = 0; i < 50; i++) assert.equal(a.chooseHost(undefined), b.chooseHost(undefined));
  });

  it('never picks unhealthy hosts outside panic', () => {
    const hosts = makeHosts(4);
    hosts[3].healthy = false;
    hosts[0].weight = 5;
    const lb = randomFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(1));
    assert.equal(countPicks(lb, 5000).get(hosts[3].key), undefined);
  });
});
