/**
 * A binary min-heap of entry indices keyed by `deadlines[index]`, ties broken by the lower
 * index so that schedules are deterministic. Entries whose deadline is not finite are left out.
 * It never allocates after construction: the scheduler moves the top entry's deadline forward
 * and sifts it down.
 */
export class DeadlineHeap {
  readonly deadlines: Float64Array;
  private readonly heap: Int32Array;
  readonly size: number;

  constructor(deadlines: Float64Array) {
    this.deadlines = deadlines;
    this.heap = new Int32Array(deadlines.length);
    let size = 0;
    for (let i = 0; i < deadlines.length; i++) {
      if (Number.isFinite(deadlines[i])) this.heap[size++] = i;
    }
    this.size = size;
    for (let i = (size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The entry due first, or -1 when the heap is empty. */
  top(): number {
    return this.size === 0 ? -1 : this.heap[0];
  }

  /** Sets the top entry's deadline and restores heap order. */
  updateTop(deadline: number): void {
    this.deadlines[this.heap[0]] = deadline;
    this.siftDown(0);
  }

  /**
   * Rebuilds the order after deadlines changed in place (e.g. all shifted back by one cycle).
   * A no-op when the relative order is unchanged, apart from the work of checking it.
   */
  reorder(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private before(a: number, b: number): boolean {
    const da = this.deadlines[a];
    const db = this.deadlines[b];
    return da < db || (da === db && a < b);
  }

  private siftDown(pos: number): void {
    const heap = this.heap;
    const entry = heap[pos];
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.before(heap[child + 1], heap[child])) child++;
      if (!this.before(heap[child], entry)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = entry;
  }
}
