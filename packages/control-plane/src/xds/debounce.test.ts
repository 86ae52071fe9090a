import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DebounceClock, Debouncer } from './debounce.ts';

/** A clock whose time moves only when the test says so. */
function fakeClock(): DebounceClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout: (callback, delayMs) => {
      timers.push({ at: now + delayMs, callback, id: ++ids });
      return ids;
    },
    clearTimeout: (id) => {
      timers = timers.filter((timer) => timer.id !== id);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (next === undefined) break;
        timers = timers.filter((timer) => timer !== next);
        now = next.at;
        next.callback();
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = end;
    },
  };
}

function setup(flush?: (batch: string[]) => void | Promise<void>) {
  const clock = fakeClock();
  const batches: string[][] = [];
  const debouncer = new Debouncer<string[]>({
    quietMs: 100,
    maxDelayMs: 1000,
    merge: (a, b) => [...a, ...b],
    flush: flush ?? ((batch) => void batches.push(batch)),
    clock,
  });
  return { clock, batches, debouncer };
}

describe('Debouncer', () => {
  it('merges changes and flushes after a quiet period', async () => {
    const { clock, batches, debouncer } = setup();
    debouncer.push(['a']);
    await clock.advance(50);
    debouncer.push(['b']);
    await clock.advance(99);
    assert.deepEqual(batches, []);
    await clock.advance(1);
    assert.deepEqual(batches, [['a', 'b']]);
    assert.deepEqual(debouncer.counters, { changes: 2, flushes: 1 });
  });

  it('flushes at the latest maxDelayMs after the first change of a busy stream', async () => {
    const { clock, batches, debouncer } = setup();
    for (let t = 0; t < 1500; t += 50) {
      debouncer.push([String(t)]);
      await clock.advance(50);
    }
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.length, 20, 'the changes of t = 0..950 ms');
    await clock.advance(100);
    assert.equal(batches.length, 2);
  });

  it('never overlaps flushes: changes during a flush wait for it', async () => {
    let release: () => void = () => {};
    const seen: string[][] = [];
    const { clock, debouncer } = setup((batch) => {
      seen.push(batch);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    debouncer.push(['a']);
    await clock.advance(100);
    debouncer.push(['b']);
    await clock.advance(500);
    assert.deepEqual(seen, [['a']]);
    assert.ok(debouncer.busy);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(0);
    assert.deepEqual(seen, [['a'], ['b']]);
  });

  it('reports a failing flush and keeps going; close drops what is pending', async () => {
    const errors: unknown[] = [];
    const clock = fakeClock();
    const debouncer = new Debouncer<number>({
      quietMs: 10,
      maxDelayMs: 100,
      merge: (a, b) => a + b,
      flush: (n) => {
        if (n === 1) throw new Error('boom');
      },
      onError: (error) => errors.push(error),
      clock,
    });
    debouncer.push(1);
    await clock.advance(10);
    assert.equal((errors[0] as Error).message, 'boom');
    debouncer.push(2);
    debouncer.close();
    await clock.advance(100);
    assert.equal(debouncer.counters.flushes, 1);
  });
});
