import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TimerScheduler } from '@tandem/api/timers';
import { Debouncer } from './debouncer.ts';

function fakeTime() {
  let now = 0;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const timers: TimerScheduler = {
    set: (fn, delayMs) => {
      pending.push({ at: now + delayMs, fn, id: next });
      return next++;
    },
    clear: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      pending.sort((a, b) => a.at - b.at);
      const due = pending[0];
      if (due === undefined || due.at > end) break;
      pending.shift();
      now = due.at;
      due.fn();
    }
    now = end;
  };
  return { now: () => now, timers, advance };
}

describe('Debouncer', () => {
  it('merges a burst into one push after the quiet period', () => {
    const t = fakeTime();
    const pushes: string[][] = [];
    const d = new Debouncer<string>((r) => pushes.push(r), { quietMs: 100, maxDelayMs: 1000, now: t.now, timers: t.timers });
    d.request('a');
    t.advance(50);
    d.request('b');
    t.advance(99);
    assert.deepEqual(pushes, []);
    t.advance(1);
    assert.deepEqual(pushes, [['a', 'b']]);
  });

  it('pushes at the maximum delay even while changes keep coming', () => {
    const t = fakeTime();
    const pushes: number[] = [];
    const d = new Debouncer<string>((r) => pushes.push(r.length), { quietMs: 100, maxDelayMs: 300, now: t.now, timers: t.timers });
    for (let i = 0; i < 10; i++) {
      d.request(`c${i}`);
      t.advance(60);
    }
    // Changes every 60 ms never leave 100 ms of quiet; the cap pushes at 300 ms and again later.
    assert.ok(pushes.length >= 1);
    assert.equal(pushes[0], 5);
  });

  it('flush pushes pending changes immediately and nothing when idle', () => {
    const t = fakeTime();
    const pushes: string[][] = [];
    const d = new Debouncer<string>((r) => pushes.push(r), { quietMs: 100, maxDelayMs: 1000, now: t.now, timers: t.timers });
    d.flush();
    d.request('x');
    d.flush();
    t.advance(500);
    assert.deepEqual(pushes, [['x']]);
  });
});
