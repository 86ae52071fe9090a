import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleSweeper } from './idle-sweeper.ts';

describe('IdleSweeper', () => {
  it('reports a connection idle only after the timeout has fully passed since its last activity', () => {
    const sweeper = new IdleSweeper(1000);
    const seen: string[] = [];
    let stamp = sweeper.epoch;
    const conn = {
      onSweep: () => {
        if (sweeper.expired(stamp, 3000)) seen.push(`idle@${sweeper.epoch}`);
      },
    };
    sweeper.add(conn);
    sweeper.sweep(); // 1
    sweeper.sweep(); // 2
    stamp = sweeper.epoch; // activity during epoch 2
    sweeper.sweep(); // 3
    sweeper.sweep(); // 4
    sweeper.sweep(); // 5
    assert.deepEqual(seen, []);
    sweeper.sweep(); // 6: quiet for more than 3 s since epoch 2
    assert.deepEqual(seen, ['idle@6']);
    sweeper.remove(conn);
    sweeper.sweep();
    assert.deepEqual(seen, ['idle@6']);
  });
});
