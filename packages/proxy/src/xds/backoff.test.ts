import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('doubles the ceiling from 0.5 s up to 30 s, drawing below it', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 30_000, random: () => 0.999 });
    const delays = Array.from({ length: 9 }, () => b.nextMs());
    assert.deepEqual(delays, [499, 999, 1998, 3996, 7992, 15984, 29970, 29970, 29970]);
  });

  it('jitters fully and starts over after reset', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 30_000, random: () => 0 });
    assert.equal(b.nextMs(), 0);
    b.nextMs();
    assert.equal(b.ceilingMs, 2000);
    b.reset();
    assert.equal(b.ceilingMs, 500);
  });
});
