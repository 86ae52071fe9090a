import { DeadlineHeap } from './deadline-heap.ts';

/** Integer cycles longer than this are not renormalized (products would lose precision). */
const MAX_EXACT_CYCLE = 2 ** 31;

/**
 * Earliest-deadline-first weighted schedule over static weights. Entry i's k-th pick is due
 * at (2k - 1) / (2 * w_i): the midpoint of each of its 1/w_i slots, which interleaves picks
 * rather than bursting them. Deadlines are computed by one division each (never by adding up
 * 1/w), so equal deadlines compare equal and ties go to the lower index.
 *
 * With integer weights the schedule is exactly periodic: every cycle of sum(w) picks contains
 * entry i exactly w_i times, and counts are shifted back by one cycle at each cycle end so
 * they never grow. Entries with weight <= 0 are never picked.
 *
 * @example
 * ```ts
 * const edf = new EdfScheduler([3, 1]);
 * [edf.pick(), edf.pick(), edf.pick(), edf.pick()]; // [0, 0, 1, 0]
 * ```
 */
export class EdfScheduler {
  private readonly weights: Float64Array;
  /** Picks so far per entry, within the current cycle when the cycle is exact. */
  private readonly counts: Float64Array;
  private readonly heap: DeadlineHeap;
  /** Picks per cycle when weights are integers (0 otherwise). */
  readonly cycleLength: number;
  private picksInCycle = 0;

  constructor(weights: ArrayLike<number>) {
    this.weights = Float64Array.from(weights);
    this.counts = new Float64Array(weights.length);
    const deadlines = new Float64Array(weights.length);
    let sum = 0;
    let integral = true;
    for (let i = 0; i < weights.length; i++) {
      const w = this.weights[i];
      deadlines[i] = w > 0 ? 1 / (2 * w) : Number.POSITIVE_INFINITY;
      if (w > 0) sum += w;
      if (w > 0 && !Number.isInteger(w)) integral = false;
    }
    this.heap = new DeadlineHeap(deadlines);
    this.cycleLength = integral && sum <= MAX_EXACT_CYCLE ? sum : 0;
  }

  /** The index of the next entry, or -1 when no entry has positive weight. */
  pick(): number {
    const i = this.heap.top();
    if (i < 0) return -1;
    const k = ++this.counts[i];
    this.heap.updateTop((2 * k + 1) / (2 * this.weights[i]));
    if (this.cycleLength > 0 && ++this.picksInCycle === this.cycleLength) this.startNextCycle();
    return i;
  }

  /** Skips `n` picks (used to start at a random point of the cycle). */
  advance(n: number): void {
    for (let i = 0; i < n; i++) this.pick();
  }

  private startNextCycle(): void {
    this.picksInCycle = 0;
    const deadlines = this.heap.deadlines;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i];
      if (w <= 0) continue;
      this.counts[i] -= w;
      deadlines[i] = (2 * this.counts[i] + 1) / (2 * w);
    }
    this.heap.reorder();
  }
}
