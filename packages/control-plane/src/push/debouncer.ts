/**
 * Istio's push debounce: a burst of changes becomes one push. A push fires once no new change has
 * arrived for `quietMs`, or `maxDelayMs` after the first change of the burst, whichever comes
 * first; the reasons of the merged changes are handed to the push together.
 */
import { realTimers, type TimerScheduler } from '@tandem/api/timers';

export interface DebounceOptions {
  quietMs: number;
  maxDelayMs: number;
  now: () => number;
  timers?: TimerScheduler;
}

export class Debouncer<R> {
  private readonly options: DebounceOptions;
  private readonly timers: TimerScheduler;
  private readonly push: (reasons: R[]) => void;
  private pending: R[] = [];
  private firstAt = 0;
  private lastAt = 0;
  private timer: unknown;

  constructor(push: (reasons: R[]) => void, options: DebounceOptions) {
    this.push = push;
    this.options = options;
    this.timers = options.timers ?? realTimers;
  }

  /** Records a change; schedules the push. */
  request(reason: R): void {
    const now = this.options.now();
    if (this.pending.length === 0) this.firstAt = now;
    this.lastAt = now;
    this.pending.push(reason);
    if (this.timer === undefined) this.arm(this.options.quietMs);
  }

  /** Pushes whatever is pending now (shutdown, tests). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.fire();
  }

  private arm(delayMs: number): void {
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.check();
    }, delayMs);
  }

  private check(): void {
    const now = this.options.now();
    const quietFor = now - this.lastAt;
    const waited = now - this.firstAt;
    if (quietFor >= this.options.quietMs || waited >= this.options.maxDelayMs) return this.fire();
    this.arm(Math.min(this.options.quietMs - quietFor, this.options.maxDelayMs - waited));
  }

  private fire(): void {
    if (this.pending.length === 0) return;
    const reasons = this.pending;
    this.pending = [];
    this.push(reasons);
  }
}
