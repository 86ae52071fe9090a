import type { TargetRound } from './measure-target.ts';
import type { Target, TargetName } from './targets/target.ts';

export interface RateSummary {
  /** Absolute open-loop latency percentiles, µs (median over rounds). */
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  /** This target's percentile minus direct's in the same round, µs (median over rounds). */
  addedP50Us: number | null;
  addedP99Us: number | null;
  /** Non-2xx + failed + unfinished requests, summed over rounds. */
  problems: number;
  /** Proxy CPU per request at this rate, µs (median over rounds); null for direct. */
  cpuUsPerRequest: number | null;
}

export interface Ratios {
  /** This target's CPU µs/request over the baseline's. */
  cpuPerRequest: number | null;
  /** This target's added p99 at the first open-loop rate over the baseline's (null when the baseline's is <= 0). */
  addedP99: number | null;
}

export interface TargetSummary {
  target: TargetName;
  label: string;
  /** Rounds that produced numbers. */
  rounds: number;
  /** Why the target has no numbers (not runnable, failed every round). */
  skipped?: string;
  errors: string[];
  rps: number | null;
  wrkP50Us: number | null;
  wrkP99Us: number | null;
  wrkErrors: number;
  cpuUsPerRequest: number | null;
  proxyCpuBusy: number | null;
  /** Largest run-queue wait of the proxy in any round and run: the disturbance indicator. */
  proxyRunQueueWaitMax: number | null;
  idleRssKb: number | null;
  peakRssKb: number | null;
  rates: Record<string, RateSummary>;
  vsHaproxy: Ratios;
  vsNginx: Ratios;
}

/** Medians across rounds per target, added latency against direct per round, then ratios. */
export function summarize(targets: Target[], rounds: TargetRound[], ratesPerSec: number[]): TargetSummary[] {
  const directByRound = new Map(
    rounds.filter((r) => r.target === 'direct' && !r.error).map((r) => [r.round, r]),
  );
  const summaries = targets.map((target) => summarizeTarget(target, { rounds, directByRound, ratesPerSec }));
  const find = (name: TargetName) => summaries.find((s) => s.target === name && s.rounds > 0);
  const firstRate = String(ratesPerSec[0]);
  for (const summary of summaries) {
    summary.vsHaproxy = ratios(summary, find('haproxy'), firstRate);
    summary.vsNginx = ratios(summary, find('nginx'), firstRate);
  }
  return summaries;
}

interface SummaryInputs {
  rounds: TargetRound[];
  directByRound: Map<number, TargetRound>;
  ratesPerSec: number[];
}

function summarizeTarget(target: Target, inputs: SummaryInputs): TargetSummary {
  const { directByRound, ratesPerSec } = inputs;
  const mine = inputs.rounds.filter((r) => r.target === target.name);
  const ok = mine.filter((r) => !r.error);
  const errors = mine.flatMap((r) => (r.error ? [`round ${r.round}: ${r.error}`] : []));
  const rates: Record<string, RateSummary> = {};
  for (const rate of ratesPerSec.map(String)) {
    const runs = ok.map((r) => ({
      mine: r.openLoop?.[rate],
      direct: directByRound.get(r.round)?.openLoop?.[rate],
    }));
    const added = (pick: 'p50' | 'p99') =>
      median(
        runs.flatMap((x) => (x.mine && x.direct ? [x.mine.latencyUs[pick] - x.direct.latencyUs[pick]] : [])),
      );
    rates[rate] = {
      p50Us: median(runs.flatMap((x) => (x.mine ? [x.mine.latencyUs.p50] : []))) ?? 0,
      p90Us: median(runs.flatMap((x) => (x.mine ? [x.mine.latencyUs.p90] : []))) ?? 0,
      p99Us: median(runs.flatMap((x) => (x.mine ? [x.mine.latencyUs.p99] : []))) ?? 0,
      p999Us: median(runs.flatMap((x) => (x.mine ? [x.mine.latencyUs.p999] : []))) ?? 0,
      addedP50Us: target.isProxy ? added('p50') : null,
      addedP99Us: target.isProxy ? added('p99') : null,
      cpuUsPerRequest: median(numbers(ok.map((r) => r.openLoopCost?.[rate]?.cpuUsPerRequest))),
      problems: runs.reduce(
        (sum, x) => sum + (x.mine ? x.mine.non2xx + x.mine.errors + x.mine.unfinished : 0),
        0,
      ),
    };
  }
  return {
    target: target.name,
    label: target.label,
    rounds: ok.length,
    ...(ok.length === 0 ? { skipped: errors[0] ?? 'not run' } : {}),
    errors,
    rps: median(ok.map((r) => r.wrk!.requestsPerSec)),
    wrkP50Us: median(ok.map((r) => r.wrk!.latencyUs.p50)),
    wrkP99Us: median(ok.map((r) => r.wrk!.latencyUs.p99)),
    wrkErrors: ok.reduce((sum, r) => sum + r.wrk!.errors, 0),
    cpuUsPerRequest: median(numbers(ok.map((r) => r.cpuUsPerRequest))),
    proxyCpuBusy: median(numbers(ok.map((r) => r.proxyCpuBusy))),
    proxyRunQueueWaitMax: max(
      numbers(
        ok.flatMap((r) => [
          r.proxyRunQueueWait,
          ...Object.values(r.openLoopCost ?? {}).map((c) => c?.runQueueWait),
        ]),
      ),
    ),
    idleRssKb: median(numbers(ok.map((r) => r.idleRssKb))),
    peakRssKb: median(numbers(ok.map((r) => r.peakRssKb))),
    rates,
    vsHaproxy: { cpuPerRequest: null, addedP99: null },
    vsNginx: { cpuPerRequest: null, addedP99: null },
  };
}

function ratios(summary: TargetSummary, baseline: TargetSummary | undefined, rate: string): Ratios {
  if (!baseline || summary.rounds === 0) return { cpuPerRequest: null, addedP99: null };
  const mineAdded = summary.rates[rate]?.addedP99Us ?? null;
  const baseAdded = baseline.rates[rate]?.addedP99Us ?? null;
  return {
    cpuPerRequest: ratio(summary.cpuUsPerRequest, baseline.cpuUsPerRequest),
    // Added latency at or below zero is within noise: it counts as zero, and a baseline of zero has no ratio.
    addedP99:
      mineAdded === null || baseAdded === null || baseAdded <= 0 ? null : Math.max(0, mineAdded) / baseAdded,
  };
}

function ratio(mine: number | null, base: number | null): number | null {
  return mine === null || base === null || base <= 0 ? null : mine / base;
}

function numbers(values: (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function max(values: number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** The median (mean of the middle two for an even count), or null for no values. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
