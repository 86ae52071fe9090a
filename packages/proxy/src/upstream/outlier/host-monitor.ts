/**
 * What the outlier detector knows about one host: its consecutive failures of each kind, its
 * ejection history, and success counts for the current and the last finished interval. Hangs off
 * `Host.outlier`, so recording a result is a few field updates with no lookup.
 */

/** Requests and successes seen in one interval, for one origin (external or local). */
export class IntervalCounts {
  total = 0;
  success = 0;

  record(ok: boolean): void {
    this.total++;
    if (ok) this.success++;
  }

  reset(): void {
    this.total = 0;
    this.success = 0;
  }
}

export class HostMonitor {
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  /** Times ejected in a row (the ejection time multiplier); decays while the host behaves. */
  ejections = 0;
  /** Monotonic ms when the current ejection ends; -1 when not ejected. */
  ejectedUntilMs = -1;
  /** Monotonic ms of the last un-ejection (for the multiplier's decay). */
  unejectedAtMs = 0;
  /** Current interval: external-origin results (HTTP statuses), local-origin results. */
  external = new IntervalCounts();
  local = new IntervalCounts();
  /** The last finished interval, which success-rate detection reads. */
  lastExternal = new IntervalCounts();
  lastLocal = new IntervalCounts();

  /** Ends an interval: current counts become the last interval's, the current ones restart. */
  swapIntervals(): void {
    const e = this.lastExternal;
    this.lastExternal = this.external;
    this.external = e;
    e.reset();
    const l = this.lastLocal;
    this.lastLocal = this.local;
    this.local = l;
    l.reset();
  }
}
