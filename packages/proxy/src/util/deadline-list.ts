/**
 * Timeouts of one duration for many short-lived objects (route timeouts: one per request), without
 * a timer object per request. Entries are intrusive (the object carries its own links), so adding
 * and removing allocate nothing; entries of one duration expire in insertion order, so a single
 * timer armed for the oldest entry serves the whole list.
 *
 * @example
 * const list = new DeadlineList<Exchange>(15000, (x) => x.timedOut(), systemClock);
 * list.add(exchange);     // when the request is complete
 * list.remove(exchange);  // when the response is complete
 */
import { realTimers, type TimerScheduler } from '@tandem/api/timers';
import type { Clock } from './clock.ts';

export type { TimerScheduler };

export interface DeadlineNode {
  deadlinePrev: DeadlineNode | undefined;
  deadlineNext: DeadlineNode | undefined;
  /** Monotonic ms at which the entry expires; -1 when not in a list. */
  deadlineAt: number;
}

/** An entry that handles its own expiry. */
export interface Expirable extends DeadlineNode {
  onDeadline(): void;
}

export class DeadlineList<T extends DeadlineNode> {
  readonly durationMs: number;
  private readonly onExpire: (node: T) => void;
  private readonly clock: Clock;
  private readonly timers: TimerScheduler;
  private head: DeadlineNode | undefined;
  private tail: DeadlineNode | undefined;
  private timer: unknown;
  private count = 0;

  constructor(
    durationMs: number,
    onExpire: (node: T) => void,
    clock: Clock,
    timers: TimerScheduler = realTimers,
  ) {
    this.durationMs = durationMs;
    this.onExpire = onExpire;
    this.clock = clock;
    this.timers = timers;
  }

  get size(): number {
    return this.count;
  }

  add(node: T): void {
    if (node.deadlineAt >= 0) this.remove(node);
    node.deadlineAt = this.clock.nowMs() + this.durationMs;
    node.deadlinePrev = this.tail;
    node.deadlineNext = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.deadlineNext = node;
    this.tail = node;
    this.count++;
    if (this.timer === undefined) this.arm(node.deadlineAt);
  }

  remove(node: T): void {
    if (node.deadlineAt < 0) return;
    const { deadlinePrev: prev, deadlineNext: next } = node;
    if (prev === undefined) this.head = next;
    else prev.deadlineNext = next;
    if (next === undefined) this.tail = prev;
    else next.deadlinePrev = prev;
    node.deadlinePrev = node.deadlineNext = undefined;
    node.deadlineAt = -1;
    this.count--;
    // The timer stays armed; when it fires it finds nothing due and re-arms for the new head.
  }

  private arm(at: number): void {
    const delay = Math.max(0, Math.ceil(at - this.clock.nowMs()));
    this.timer = this.timers.set(this.fire, delay);
  }

  /** Expires every entry that is due, then re-arms for the oldest remaining one. */
  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.nowMs();
    let node = this.head;
    while (node !== undefined && node.deadlineAt <= now) {
      this.remove(node as T);
      this.onExpire(node as T);
      node = this.head;
    }
    if (this.head !== undefined && this.timer === undefined) this.arm(this.head.deadlineAt);
  };
}

/** One DeadlineList per duration, created on first use. */
export class DeadlineLists<T extends DeadlineNode> {
  private readonly lists = new Map<number, DeadlineList<T>>();
  private readonly onExpire: (node: T) => void;
  private readonly clock: Clock;
  private readonly timers: TimerScheduler;

  constructor(onExpire: (node: T) => void, clock: Clock, timers: TimerScheduler = realTimers) {
    this.onExpire = onExpire;
    this.clock = clock;
    this.timers = timers;
  }

  forDuration(ms: number): DeadlineList<T> {
    let list = this.lists.get(ms);
    if (list === undefined)
      this.lists.set(ms, (list = new DeadlineList(ms, this.onExpire, this.clock, this.timers)));
    return list;
  }
}
