import type { TargetSummary } from './summarize.ts';

export type Verdict = 'PASS' | 'FAIL' | 'N/A' | 'SKIPPED';

export interface CriterionResult {
  /** The target as the issue states it. */
  criterion: string;
  verdict: Verdict;
  /** The measured value and the bound it was compared with. */
  detail: string;
}

/** RSS is reported in MB of 10^6 bytes (the stricter reading of "60 MB"). */
export const IDLE_RSS_LIMIT_MB = 60;
const CPU_RATIO_LIMIT = 1.5;
const ADDED_P99_RATIO_LIMIT = 2;

/**
 * Tandem's performance targets from the issue, judged on this run. Informational only: the bench
 * never fails because of them.
 */
export function evaluateCriteria(summaries: TargetSummary[], firstRate: number): CriterionResult[] {
  const tandem = summaries.find((s) => s.target === 'tandem');
  const haproxy = summaries.find((s) => s.target === 'haproxy');
  const rateLabel = `${firstRate.toLocaleString('en-US')} rps`;
  const criteria = [
    `CPU per request <= ${CPU_RATIO_LIMIT}x HAProxy's`,
    `added p99 at ${rateLabel} <= ${ADDED_P99_RATIO_LIMIT}x HAProxy's`,
    `idle RSS < ${IDLE_RSS_LIMIT_MB} MB`,
  ];
  if (!tandem || tandem.rounds === 0) {
    const why = tandem?.skipped ?? 'not selected';
    return criteria.map((criterion) => ({
      criterion,
      verdict: 'SKIPPED',
      detail: `Tandem not measured: ${firstLine(why)}`,
    }));
  }
  const noHaproxy = !haproxy || haproxy.rounds === 0;
  const cpu = tandem.vsHaproxy.cpuPerRequest;
  const added = tandem.vsHaproxy.addedP99;
  const tandemAdded = tandem.rates[String(firstRate)]?.addedP99Us;
  const haproxyAdded = haproxy?.rates[String(firstRate)]?.addedP99Us;
  const idleMb = tandem.idleRssKb === null ? null : (tandem.idleRssKb * 1024) / 1e6;
  return [
    noHaproxy || cpu === null
      ? { criterion: criteria[0], verdict: 'N/A', detail: 'no HAProxy CPU figure to compare with' }
      : judge(
          criteria[0],
          cpu <= CPU_RATIO_LIMIT,
          `${fmt(cpu)}x (${fmt(tandem.cpuUsPerRequest)} vs ${fmt(haproxy.cpuUsPerRequest)} us/req)`,
        ),
    noHaproxy || added === null
      ? {
          criterion: criteria[1],
          verdict: 'N/A',
          detail: `HAProxy's added p99 is ${fmt(haproxyAdded)} us (<= 0 is within noise: raise --duration/--rounds)`,
        }
      : judge(
          criteria[1],
          added <= ADDED_P99_RATIO_LIMIT,
          `${fmt(added)}x (+${fmt(tandemAdded)} vs +${fmt(haproxyAdded)} us)`,
        ),
    idleMb === null
      ? { criterion: criteria[2], verdict: 'N/A', detail: 'no RSS reading' }
      : judge(criteria[2], idleMb < IDLE_RSS_LIMIT_MB, `${fmt(idleMb)} MB`),
  ];
}

const MTLS_RATIO_LIMIT = 0.7;

/**
 * The security issue's target: keep-alive throughput through two sidecars with mutual TLS between them
 * at least 70 % of the same two sidecars talking plaintext.
 */
export function evaluateMtlsCriterion(summaries: TargetSummary[]): CriterionResult[] {
  const plain = summaries.find((s) => s.target === 'tandem-pair');
  const mtls = summaries.find((s) => s.target === 'tandem-mtls');
  const criterion = `mTLS throughput >= ${MTLS_RATIO_LIMIT * 100}% of plaintext (two sidecars, keep-alive)`;
  if (!plain || !mtls) return [];
  if (plain.rounds === 0 || mtls.rounds === 0 || !plain.rps || mtls.rps === null)
    return [
      { criterion, verdict: 'SKIPPED', detail: firstLine(mtls.skipped ?? plain.skipped ?? 'not measured') },
    ];
  const ratio = mtls.rps / plain.rps;
  return [
    judge(
      criterion,
      ratio >= MTLS_RATIO_LIMIT,
      `${fmt(ratio * 100)}% (${fmt(mtls.rps)} vs ${fmt(plain.rps)} req/s)`,
    ),
  ];
}

function judge(criterion: string, pass: boolean, detail: string): CriterionResult {
  return { criterion, verdict: pass ? 'PASS' : 'FAIL', detail };
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
