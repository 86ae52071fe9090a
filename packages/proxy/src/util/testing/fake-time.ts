/**
 * A fake clock and timer scheduler for unit tests of timing logic: time moves only when the test
 * calls `advance`, and timers fire in order, each seeing the clock at its own due time.
 */
import type { TimerScheduler } from '@tandem/api/timers';
import type { Clock } from '../clock.ts';

export interface FakeTime {
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void;
  /** Timers still armed. */
  armed(): number;
}

export function fakeTime(startMs = 0): FakeTime {
  let now = startMs;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Clock = { nowMs: () => now, wallMs: () => now };
  const timers: TimerScheduler = {
    set: (fn, delayMs) => {
      const id = nextId++;
      pending.push({ at: now + delayMs, fn, id });
      return id;
    },
    clear: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = pending[0];
      if (due === undefined || due.at > end) break;
      pending.shift();
      now = Math.max(now, due.at);
      due.fn();
    }
    now = end;
  };
  return { clock, timers, advance, armed: () => pending.length };
}
