/**
 * Reads the Prometheus text format the control plane's /metrics serves, and takes differences of
 * counters and histograms between two scrapes (what happened during one measured change).
 */

/** Sample name with its labels as written (`name{a="b"}`) -> value. */
export type PromSamples = ReadonlyMap<string, number>;

export function parsePrometheus(text: string): PromSamples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const value = Number(line.slice(space + 1));
    if (space > 0 && Number.isFinite(value)) samples.set(line.slice(0, space), value);
  }
  return samples;
}

/** A sample's value (0 when absent). */
export function sampleValue(samples: PromSamples, name: string, labels = ''): number {
  return samples.get(labels === '' ? name : `${name}{${labels}}`) ?? 0;
}

/** What a histogram recorded between two scrapes. */
export interface HistogramDelta {
  readonly count: number;
  readonly sum: number;
  /** Upper bound -> observations at or below it (cumulative), `+Inf` last. */
  readonly buckets: readonly { le: number; count: number }[];
}

export function histogramDelta(
  before: PromSamples,
  after: PromSamples,
  name: string,
  labels = '',
): HistogramDelta {
  const prefix = labels === '' ? '' : `${labels},`;
  const buckets: { le: number; count: number }[] = [];
  for (const [key, value] of after) {
    if (!key.startsWith(`${name}_bucket{${prefix}le="`)) continue;
    const le = key.slice(key.lastIndexOf('le="') + 4, -2);
    buckets.push({
      le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
      count: value - (before.get(key) ?? 0),
    });
  }
  buckets.sort((a, b) => a.le - b.le);
  const at = (suffix: string, samples: PromSamples) => sampleValue(samples, `${name}_${suffix}`, labels);
  return {
    count: at('count', after) - at('count', before),
    sum: at('sum', after) - at('sum', before),
    buckets,
  };
}

/** The smallest bucket bound covering quantile `q` (what Prometheus' histogram_quantile bounds). */
export function bucketQuantile(histogram: HistogramDelta, q: number): number | null {
  if (histogram.count === 0) return null;
  const rank = q * histogram.count;
  for (const bucket of histogram.buckets) if (bucket.count >= rank) return bucket.le;
  return null;
}
