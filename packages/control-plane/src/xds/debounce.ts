/** Timers the debouncer uses; tests pass a fake one. */
export interface DebounceClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DebounceOptions<T> {
  /** Flush once no change arrived for this long (Istio's PILOT_DEBOUNCE_AFTER, 100 ms). */
  readonly quietMs: number;
  /** Flush at the latest this long after the first change of a batch (PILOT_DEBOUNCE_MAX, 10 s). */
  readonly maxDelayMs: number;
  /** Combines two pending changes into one (e.g. union of the configs they touch). */
  readonly merge: (earlier: T, later: T) => T;
  /** Acts on a batch; a returned promise holds back the next flush until it settles. */
  readonly flush: (merged: T) => void | Promise<void>;
  /** Called when `flush` throws or rejects; the next batch still flushes. */
  readonly onError?: (error: unknown) => void;
  readonly clock?: DebounceClock;
}

export interface DebounceCounters {
  changes: number;
  flushes: number;
}

const realClock: DebounceClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Istio's push debounce: changes are merged and flushed once the stream of changes pauses for `quietMs`, or
 * `maxDelayMs` after the first one at the latest; a flush never overlaps the previous one.
 *
 * @example
 * const debouncer = new Debouncer({
 *   quietMs: 100, maxDelayMs: 10_000,
 *   merge: (a, b) => new Set([...a, ...b]),
 *   flush: (changed) => translateAndPublish(changed),
 * });
 * debouncer.push(new Set(['reviews.default']));
 */
export class Debouncer<T> {
  readonly counters: DebounceCounters = { changes: 0, flushes: 0 };
  readonly #options: DebounceOptions<T>;
  readonly #clock: DebounceClock;
  #pending: { value: T; firstAt: number; lastAt: number } | undefined;
  #timer: unknown;
  #flushing = false;
  #closed = false;

  constructor(options: DebounceOptions<T>) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Adds a change to the current batch. */
  push(change: T): void {
    if (this.#closed) return;
    this.counters.changes++;
    const now = this.#clock.now();
    const pending = this.#pending;
    this.#pending =
      pending === undefined
        ? { value: change, firstAt: now, lastAt: now }
        : { value: this.#options.merge(pending.value, change), firstAt: pending.firstAt, lastAt: now };
    this.#schedule();
  }

  /** Whether a batch is waiting or being flushed. */
  get busy(): boolean {
    return this.#pending !== undefined || this.#flushing;
  }

  /** Drops what is pending and stops flushing. */
  close(): void {
    this.#closed = true;
    this.#pending = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#flushing || this.#pending === undefined) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    const { firstAt, lastAt } = this.#pending;
    const due = Math.min(lastAt + this.#options.quietMs, firstAt + this.#options.maxDelayMs);
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, due - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    const pending = this.#pending;
    if (pending === undefined || this.#closed) return;
    this.#pending = undefined;
    this.#flushing = true;
    this.counters.flushes++;
    let result: void | Promise<void>;
    try {
      result = this.#options.flush(pending.value);
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result)
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => {
        this.#flushing = false;
        this.#schedule();
      });
  }
}
