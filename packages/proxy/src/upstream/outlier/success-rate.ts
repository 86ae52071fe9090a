/**
 * The statistical outlier checks run once per interval over the last interval's counts:
 * success-rate ejection (a host whose success rate falls more than `stdevFactor` standard
 * deviations below the mean of hosts with enough requests) and failure-percentage ejection (a host
 * whose failure percentage reaches a fixed threshold). Pure functions, so they are tested directly.
 */

/** One host's request volume and successes in the interval. */
export interface HostSample {
  readonly total: number;
  readonly success: number;
}

/**
 * Indexes of `samples` that success-rate detection ejects: only hosts with at least
 * `requestVolume` requests count, and only when at least `minimumHosts` such hosts exist. The
 * threshold is mean - (stdevFactor / 1000) * stdev of their success rates (in percent).
 */
export function successRateOutliers(
  samples: readonly HostSample[],
  opts: { requestVolume: number; minimumHosts: number; stdevFactor: number },
): number[] {
  const rates: { index: number; rate: number }[] = [];
  samples.forEach((s, index) => {
    if (s.total >= opts.requestVolume && s.total > 0)
      rates.push({ index, rate: (100 * s.success) / s.total });
  });
  if (rates.length === 0 || rates.length < opts.minimumHosts) return [];
  const mean = rates.reduce((a, r) => a + r.rate, 0) / rates.length;
  const variance = rates.reduce((a, r) => a + (r.rate - mean) ** 2, 0) / rates.length;
  const threshold = mean - (opts.stdevFactor / 1000) * Math.sqrt(variance);
  return rates.filter((r) => r.rate < threshold).map((r) => r.index);
}

/**
 * Indexes of `samples` whose failure percentage is at least `threshold`, among hosts with at least
 * `requestVolume` requests, when at least `minimumHosts` hosts have that volume.
 */
export function failurePercentageOutliers(
  samples: readonly HostSample[],
  opts: { requestVolume: number; minimumHosts: number; threshold: number },
): number[] {
  const eligible: { index: number; failed: number }[] = [];
  samples.forEach((s, index) => {
    if (s.total >= opts.requestVolume && s.total > 0)
      eligible.push({ index, failed: (100 * (s.total - s.success)) / s.total });
  });
  if (eligible.length === 0 || eligible.length < opts.minimumHosts) return [];
  return eligible.filter((e) => e.failed >= opts.threshold).map((e) => e.index);
}
