import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketIndex, bucketUpperBound, Histogram } from './histogram.ts';

describe('bucketIndex / bucketUpperBound', () => {
  it('counts small values exactly', () => {
    for (let v = 0; v < 256; v++) {
      assert.equal(bucketIndex(v, 8), v);
      assert.equal(bucketUpperBound(v, 8), v);
    }
  });

  it('is contiguous and monotonic, and every value lies within its bucket', () => {
    let previous = -1;
    for (let v = 0; v < 1 << 18; v++) {
      const index = bucketIndex(v, 8);
      assert.ok(index === previous || index === previous + 1, `bucket gap at ${v}`);
      assert.ok(bucketUpperBound(index, 8) >= v, `upper bound below value at ${v}`);
      if (index > 0) assert.ok(bucketUpperBound(index - 1, 8) < v, `previous bucket holds ${v}`);
      previous = index;
    }
  });

  it('keeps the relative error under 2^-(bits-1)', () => {
    for (const v of [300, 1_000, 12_345, 999_999, 2 ** 31 + 5, 0xffff_ffff]) {
      const upper = bucketUpperBound(bucketIndex(v, 8), 8);
      assert.ok((upper - v) / v < 1 / 128, `error too large at ${v}: ${upper}`);
    }
  });
});

describe('Histogram', () => {
  it('reports percentiles of a uniform 1..10000 distribution within 1 %', () => {
    const h = new Histogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    const s = h.summary();
    assert.equal(s.count, 10_000);
    assert.equal(s.min, 1);
    assert.equal(s.max, 10_000);
    assert.ok(Math.abs(s.mean - 5000.5) < 1e-9);
    for (const [p, expected] of [
      [50, 5000],
      [90, 9000],
      [99, 9900],
      [99.9, 9990],
    ] as const) {
      const got = h.valueAtPercentile(p);
      assert.ok(Math.abs(got - expected) / expected < 0.01, `p${p}: ${got} vs ${expected}`);
    }
  });

  it('clamps percentiles to the recorded range and handles empty histograms', () => {
    const h = new Histogram();
    assert.equal(h.valueAtPercentile(99), 0);
    h.record(1_000_003);
    assert.equal(h.valueAtPercentile(0), 1_000_003);
    assert.equal(h.valueAtPercentile(100), 1_000_003);
  });

  it('records with a count, rounds, clamps negatives, and merges', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.record(10.4, 99);
    a.record(-5);
    b.record(5_000, 900);
    a.merge(b);
    assert.equal(a.count, 1_000);
    assert.equal(a.valueAtPercentile(9), 10);
    assert.equal(a.summary().min, 0);
    assert.ok(Math.abs(a.valueAtPercentile(50) - 5_000) / 5_000 < 0.01);
  });

  it('rejects merging different precisions and bad precision', () => {
    assert.throws(() => new Histogram(8).merge(new Histogram(9)), RangeError);
    assert.throws(() => new Histogram(1), RangeError);
  });
});
