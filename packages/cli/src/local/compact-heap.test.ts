import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactHeap } from './compact-heap.ts';

describe('compactHeap', () => {
  it('does nothing without --expose-gc', (t) => {
    const global = globalThis as { gc?: () => void };
    const saved = global.gc;
    t.after(() => (global.gc = saved));
    delete global.gc;
    assert.equal(compactHeap(), false);
  });

  it('runs two full collections when gc is exposed: one frees, the next compacts', (t) => {
    const global = globalThis as { gc?: () => void };
    const saved = global.gc;
    t.after(() => (global.gc = saved));
    let collections = 0;
    global.gc = () => void collections++;
    assert.equal(compactHeap(), true);
    assert.equal(collections, 2);
  });
});
