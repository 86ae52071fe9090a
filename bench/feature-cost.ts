/**
 * The cost of Tandem's optional features: each feature row's throughput and CPU per request as a
 * ratio to the plain Tandem row (which has the always-on metrics), with the issues' limits. The
 * telemetry rows come from the observability issue, the resilience row from traffic management's.
 */
import type { CriterionResult } from './criteria.ts';
import type { TargetSummary } from './summarize.ts';
import type { TargetName } from './targets/target.ts';

export const FEATURE_ROWS: readonly { target: TargetName; what: string; maxCost: number }[] = [
  { target: 'tandem-accesslog', what: 'access log on', maxCost: 0.1 },
  { target: 'tandem-tracing', what: '100% tracing on', maxCost: 0.15 },
  {
    target: 'tandem-resilience',
    what: 'retries, outlier detection and a 3-endpoint least-request cluster',
    maxCost: 0.1,
  },
];

export interface FeatureCost {
  label: string;
  what: string;
  /** Feature row's req/s over the plain row's. */
  throughputRatio: number | null;
  /** Feature row's CPU us/req over the plain row's. */
  cpuRatio: number | null;
  maxCost: number;
}

export function featureCosts(summaries: TargetSummary[]): FeatureCost[] {
  const plain = summaries.find((s) => s.target === 'tandem' && s.rounds > 0);
  return FEATURE_ROWS.flatMap((row) => {
    const s = summaries.find((x) => x.target === row.target && x.rounds > 0);
    if (s === undefined) return [];
    return [
      {
        label: s.label,
        what: row.what,
        throughputRatio: plain?.rps && s.rps ? s.rps / plain.rps : null,
        cpuRatio:
          plain?.cpuUsPerRequest && s.cpuUsPerRequest ? s.cpuUsPerRequest / plain.cpuUsPerRequest : null,
        maxCost: row.maxCost,
      },
    ];
  });
}

/** "throughput with X >= (1 - limit) x plain", judged on this run. */
export function featureCriteria(summaries: TargetSummary[]): CriterionResult[] {
  return featureCosts(summaries).map((c) => {
    const floor = 1 - c.maxCost;
    const criterion = `throughput with ${c.what} >= ${floor.toFixed(2)}x plain Tandem (metrics are on in both)`;
    if (c.throughputRatio === null)
      return { criterion, verdict: 'N/A', detail: 'plain Tandem row not measured' };
    return {
      criterion,
      verdict: c.throughputRatio >= floor ? 'PASS' : 'FAIL',
      detail: `${c.throughputRatio.toFixed(3)}x req/s, ${c.cpuRatio === null ? '-' : `${c.cpuRatio.toFixed(3)}x`} CPU/req`,
    };
  });
}
