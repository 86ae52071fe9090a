import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Host } from '../host.ts';
import { choosePriority, computePriorityLoad } from './priority-load.ts';
import { buildPrioritySet } from './priority-set.ts';
import { makeHosts } from './test-helpers.ts';

/** A level of `total` hosts, `healthy` of them healthy. */
function level(priority: number, total: number, healthy: number): Host[] {
  const hosts = makeHosts(total, { priority });
  for (let i = healthy; i < total; i++) hosts[i].healthy = false;
  return hosts;
}

function loadOf(levels: [number, number][], factor = 140, panicThreshold = 50) {
  const hosts = levels.flatMap(([total, healthy], p) => level(p, total, healthy));
  return computePriorityLoad(buildPrioritySet(hosts, factor), panicThreshold);
}

describe('computePriorityLoad', () => {
  it('sends everything to P0 while it is healthy enough', () => {
    assert.deepEqual(loadOf([[10, 10]]).load, [100]);
    assert.deepEqual(
      loadOf([
        [10, 10],
        [10, 10],
      ]).load,
      [100, 0],
    );
    // 72% healthy * 1.4 > 100: still fully healthy.
    assert.deepEqual(
      loadOf([
        [100, 72],
        [10, 10],
      ]).load,
      [100, 0],
    );
  });

  it('spills to P1 as P0 health drops (Envoy docs table, P1 fully healthy)', () => {
    const cases: [number, number, number][] = [
      [71, 99, 1],
      [50, 70, 30],
      [25, 35, 65],
      [0, 0, 100],
    ];
    for (const [healthyPercent, p0, p1] of cases) {
      assert.deepEqual(
        loadOf([
          [100, healthyPercent],
          [100, 100],
        ]).load,
        [p0, p1],
        `${healthyPercent}%`,
      );
    }
  });

  it('uses the overprovisioning factor of the set', () => {
    assert.deepEqual(
      loadOf(
        [
          [10, 5],
          [10, 10],
        ],
        100,
      ).load,
      [50, 50],
    );
    assert.deepEqual(
      loadOf(
        [
          [10, 5],
          [10, 10],
        ],
        200,
      ).load,
      [100, 0],
    );
  });

  it('spills across three levels', () => {
    // P0 health 28, P1 health 42, P2 health 100 → 28 / 42 / 30.
    assert.deepEqual(
      loadOf([
        [10, 2],
        [10, 3],
        [10, 10],
      ]).load,
      [28, 42, 30],
    );
  });

  it('normalizes when total health is under 100, giving rounding leftovers to the first healthy level', () => {
    // Healths 28 and 28 → 50 / 50.
    assert.deepEqual(
      loadOf([
        [10, 2],
        [10, 2],
      ]).load,
      [50, 50],
    );
    // Healths 14, 28, 14 (total 56): floor(25) + floor(50) + floor(25) = 100.
    assert.deepEqual(
      loadOf([
        [10, 1],
        [10, 2],
        [10, 1],
      ]).load,
      [25, 50, 25],
    );
    // Healths 0, 42 and 14 (total 56): 0 + 75 + 25.
    assert.deepEqual(
      loadOf([
        [3, 0],
        [10, 3],
        [10, 1],
      ]).load,
      [0, 75, 25],
    );
    // Healths 33 each (total 99): 33 each, and the leftover 1 goes to P0.
    assert.deepEqual(
      loadOf(
        [
          [3, 1],
          [3, 1],
          [3, 1],
        ],
        100,
      ).load,
      [34, 33, 33],
    );
  });

  it('leaves panic off when total health reaches 100, even if a level is mostly down', () => {
    const load = loadOf([
      [10, 2],
      [10, 10],
    ]);
    assert.deepEqual(load.load, [28, 72]);
    assert.deepEqual(load.panic, [false, false]);
  });

  it('puts a level in panic when total health is short and its healthy share is under the threshold', () => {
    const load = loadOf([[10, 4]]);
    assert.deepEqual(load.load, [100]);
    assert.deepEqual(load.health, [56]);
    assert.deepEqual(load.panic, [true]);
    assert.deepEqual(loadOf([[10, 6]]).panic, [false]);
    assert.deepEqual(loadOf([[10, 4]], 140, 30).panic, [false]);
    assert.deepEqual(loadOf([[10, 4]], 140, 0).panic, [false]);
    // Both levels short: P0 (20%) panics, P1 (60%) does not.
    const both = loadOf(
      [
        [10, 2],
        [10, 6],
      ],
      100,
    );
    assert.deepEqual(both.load, [25, 75]);
    assert.deepEqual(both.panic, [true, false]);
  });

  it('splits by host count when no level has any health', () => {
    const load = loadOf([
      [1, 0],
      [2, 0],
    ]);
    assert.deepEqual(load.load, [34, 66]);
    assert.deepEqual(load.panic, [true, true]);
    assert.deepEqual(
      loadOf(
        [
          [1, 0],
          [2, 0],
        ],
        140,
        0,
      ).panic,
      [false, false],
    );
  });

  it('sends everything to P0 of an empty set', () => {
    const load = computePriorityLoad(buildPrioritySet([]), 50);
    assert.deepEqual(load.load, [100]);
    assert.equal(choosePriority(load, 0.99), 0);
  });
});

describe('choosePriority', () => {
  it('maps r in [0, 1) onto the cumulative load', () => {
    const load = loadOf([
      [10, 5],
      [10, 10],
    ]);
    assert.deepEqual(load.load, [70, 30]);
    assert.equal(choosePriority(load, 0), 0);
    assert.equal(choosePriority(load, 0.69), 0);
    assert.equal(choosePriority(load, 0.7), 1);
    assert.equal(choosePriority(load, 0.999999), 1);
  });

  it('is exact for every percentile a hash maps to', () => {
    const load = loadOf([
      [10, 5],
      [10, 10],
    ]);
    const hits = [0, 0];
    for (let hash = 0; hash < 100; hash++) hits[choosePriority(load, (hash % 100) / 100)]++;
    assert.deepEqual(hits, [70, 30]);
  });

  it('skips levels with no load', () => {
    const load = loadOf([
      [3, 0],
      [10, 10],
    ]);
    assert.deepEqual(load.load, [0, 100]);
    assert.equal(choosePriority(load, 0), 1);
  });
});
