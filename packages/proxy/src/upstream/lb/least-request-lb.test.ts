import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildLeastRequestPicker,
  ChoicesPicker,
  leastRequestFactory,
  WeightedLeastRequestPicker,
} from './least-request-lb.ts';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { countPicks, makeHosts, testCluster } from './test-helpers.ts';

function share(counts: Map<string, number>, key: string, total: number): number {
  return (counts.get(key) ?? 0) / total;
}

describe('least request, equal weights (power of choices)', () => {
  it('prefers the idle host: busy wins only when both choices land on it', () => {
    const [idle, busy] = makeHosts(2);
    busy.activeRequests = 10;
    const lb = leastRequestFactory.create(buildPrioritySet([idle, busy]), testCluster(), mulberry32(11));
    const counts = countPicks(lb, 20000);
    // P(busy) = P(both samples are busy) = 1/4.
    assert.ok(Math.abs(share(counts, busy.key, 20000) - 0.25) < 0.01);
  });

  it('picks the least loaded of all choices; more choices, stronger preference', () => {
    const hosts = makeHosts(4);
    for (const [i, h] of hosts.entries()) h.activeRequests = 5 + i;
    hosts[2].activeRequests = 0;
    const cluster = testCluster({ leastRequest: { choiceCount: 5 } });
    const lb = leastRequestFactory.create(buildPrioritySet(hosts), cluster, mulberry32(5));
    // The idle host is missed only if all 5 samples avoid it: (3/4)^5 ≈ 0.237.
    const counts = countPicks(lb, 20000);
    assert.ok(Math.abs(share(counts, hosts[2].key, 20000) - (1 - 0.75 ** 5)) < 0.01);
  });

  it('spreads evenly when nothing is in flight', () => {
    const hosts = makeHosts(4);
    const lb = leastRequestFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(2));
    const counts = countPicks(lb, 40000);
    for (const h of hosts) assert.ok(Math.abs(share(counts, h.key, 40000) - 0.25) < 0.01);
  });

  it('reads activeRequests live, at each pick', () => {
    const [a, b] = makeHosts(2);
    const lb = leastRequestFactory.create(buildPrioritySet([a, b]), testCluster(), mulberry32(9));
    a.activeRequests = 100;
    const before = countPicks(lb, 4000);
    a.activeRequests = 0;
    b.activeRequests = 100;
    const after = countPicks(lb, 4000);
    assert.ok((before.get(b.key) ?? 0) > 2800);
    assert.ok((after.get(a.key) ?? 0) > 2800);
  });

  it('never picks an unhealthy host, however idle', () => {
    const hosts = makeHosts(3);
    hosts[0].healthy = false;
    hosts[1].activeRequests = 4;
    hosts[2].activeRequests = 4;
    const lb = leastRequestFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(1));
    assert.equal(countPicks(lb, 1000).get(hosts[0].key), undefined);
  });
});

describe('least request, unequal weights (load-scaled EDF)', () => {
  it('follows weights when nothing is in flight', () => {
    const hosts = makeHosts(2);
    hosts[1].weight = 3;
    const lb = leastRequestFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(4));
    const counts = countPicks(lb, 4000);
    assert.ok(Math.abs((counts.get(hosts[1].key) ?? 0) - 3000) <= 2, `${counts.get(hosts[1].key)}`);
  });

  it('divides weight by (active + 1)^bias', () => {
    const hosts = makeHosts(2);
    hosts[1].weight = 3;
    hosts[1].activeRequests = 5;
    const picker = new WeightedLeastRequestPicker(hosts, 1);
    assert.equal(picker.effectiveWeight(hosts[1]), 0.5);
    assert.equal(picker.effectiveWeight(hosts[0]), 1);
    assert.equal(new WeightedLeastRequestPicker(hosts, 0).effectiveWeight(hosts[1]), 3);
    assert.equal(new WeightedLeastRequestPicker(hosts, 2).effectiveWeight(hosts[1]), 3 / 36);
  });

  it('shifts picks away from a busy heavy host', () => {
    const hosts = makeHosts(2);
    hosts[1].weight = 3;
    hosts[1].activeRequests = 5;
    const lb = leastRequestFactory.create(buildPrioritySet(hosts), testCluster(), mulberry32(4));
    // Effective weights 1 and 0.5: the light host now gets 2/3.
    const counts = countPicks(lb, 3000);
    assert.ok(Math.abs((counts.get(hosts[0].key) ?? 0) - 2000) <= 2, `${counts.get(hosts[0].key)}`);
  });

  it('with bias 0 ignores load and is plain weighted', () => {
    const hosts = makeHosts(2);
    hosts[1].weight = 3;
    hosts[1].activeRequests = 50;
    const cluster = testCluster({ leastRequest: { choiceCount: 2, activeRequestBias: 0 } });
    const lb = leastRequestFactory.create(buildPrioritySet(hosts), cluster, mulberry32(4));
    const counts = countPicks(lb, 4000);
    assert.ok(Math.abs((counts.get(hosts[1].key) ?? 0) - 3000) <= 2);
  });

  it('chooses the path by weights', () => {
    const equal = makeHosts(2);
    const opts = { choiceCount: 2, activeRequestBias: 1 };
    assert.ok(buildLeastRequestPicker(equal, Math.random, opts) instanceof ChoicesPicker);
    equal[0].weight = 2;
    assert.ok(buildLeastRequestPicker(equal, Math.random, opts) instanceof WeightedLeastRequestPicker);
  });
});
