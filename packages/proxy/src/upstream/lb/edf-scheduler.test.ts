import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdfScheduler } from './edf-scheduler.ts';

function picks(edf: EdfScheduler, n: number): number[] {
  return Array.from({ length: n }, () => edf.pick());
}

describe('EdfScheduler', () => {
  it('interleaves picks at the midpoints of each entry slot', () => {
    assert.deepEqual(picks(new EdfScheduler([3, 1]), 8), [0, 0, 1, 0, 0, 0, 1, 0]);
    assert.deepEqual(picks(new EdfScheduler([1, 1, 2]), 8), [2, 0, 1, 2, 2, 0, 1, 2]);
    assert.deepEqual(picks(new EdfScheduler([5, 2]), 7), [0, 1, 0, 0, 0, 1, 0]);
  });

  it('gives each entry exactly its weight in every cycle, cycle after cycle', () => {
    const weights = [5, 1, 3, 7, 2];
    const edf = new EdfScheduler(weights);
    assert.equal(edf.cycleLength, 18);
    for (let cycle = 0; cycle < 50; cycle++) {
      const counts = new Array<number>(weights.length).fill(0);
      for (const i of picks(edf, 18)) counts[i]++;
      assert.deepEqual(counts, weights, `cycle ${cycle}`);
    }
  });

  it('is exact in any window of one cycle, wherever it starts', () => {
    const weights = [4, 3, 2];
    const edf = new EdfScheduler(weights);
    const seq = picks(edf, 9 * 20);
    for (let start = 0; start + 9 <= seq.length; start++) {
      const counts = [0, 0, 0];
      for (const i of seq.slice(start, start + 9)) counts[i]++;
      assert.deepEqual(counts, weights, `window at ${start}`);
    }
  });

  it('never picks entries without weight, and returns -1 when none has weight', () => {
    const edf = new EdfScheduler([0, 2, 0, 1]);
    assert.ok(picks(edf, 30).every((i) => i === 1 || i === 3));
    assert.equal(new EdfScheduler([0, 0]).pick(), -1);
    assert.equal(new EdfScheduler([]).pick(), -1);
  });

  it('follows fractional weights in proportion', () => {
    const edf = new EdfScheduler([0.7, 2.1]);
    assert.equal(edf.cycleLength, 0);
    const counts = [0, 0];
    for (const i of picks(edf, 28000)) counts[i]++;
    assert.ok(Math.abs(counts[0] - 7000) <= 1, `${counts}`);
  });

  it('advance skips picks', () => {
    const a = new EdfScheduler([3, 2, 1]);
    const b = new EdfScheduler([3, 2, 1]);
    const seq = picks(a, 10);
    b.advance(4);
    assert.deepEqual(picks(b, 6), seq.slice(4));
  });
});
