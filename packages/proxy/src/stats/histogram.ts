/**
 * A fixed-bucket histogram for the request path: bucket bounds are chosen when the series is
 * created, and recording a value is a short linear scan plus three number updates; nothing is
 * allocated per observation. Rendered cumulatively (Prometheus `le` buckets) only when scraped.
 */

/** Envoy's default histogram buckets (milliseconds), which Istio uses for request durations. */
export const DURATION_BUCKETS_MS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];

/** Istio's buckets for request and response sizes (bytes). */
export const SIZE_BUCKETS_BYTES: readonly number[] = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000];

export class Histogram {
  readonly bounds: readonly number[];
  /** Per-bucket (not cumulative) counts; the last slot is the +Inf overflow. */
  readonly counts: Float64Array;
  count = 0;
  sum = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  record(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sum += value;
  }

  /** Cumulative count of observations <= bounds[i] (i = bounds.length gives the total). */
  cumulative(): number[] {
    const out: number[] = [];
    let acc = 0;
    for (let i = 0; i < this.counts.length; i++) {
      acc += this.counts[i]!;
      out.push(acc);
    }
    return out;
  }
}
