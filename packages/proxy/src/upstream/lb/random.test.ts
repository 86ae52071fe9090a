import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from './random.ts';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const seqA = [a(), a(), a()];
    assert.deepEqual([b(), b(), b()], seqA);
    assert.notDeepEqual([c(), c(), c()], seqA);
  });

  it('returns floats in [0, 1) with a mean near 0.5', () => {
    const random = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 100000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 100000 - 0.5) < 0.005);
  });
});
