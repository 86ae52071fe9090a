import { featureCosts } from './feature-cost.ts';
import { formatTable } from './format-table.ts';
import type { BenchResults } from './results.ts';
import type { Ratios, TargetSummary } from './summarize.ts';

/** Run-queue wait of the proxy above which a run counts as disturbed by other work on its core. */
const DISTURBED_WAIT = 0.02;

/** The human-readable report printed at the end of a run. */
export function renderReport(results: BenchResults): string {
  const { options } = results;
  const measured = results.targets.filter((t) => t.rounds > 0);
  const firstRate = options.ratesPerSec[0];
  const sections = [
    `Tandem proxy benchmark: ${options.rounds} round(s) x ${options.durationSec} s per run, medians across rounds`,
    results.pinning,
    `Tandem under test: ${results.tandem.root} (commit ${results.tandem.commit})`,
    '',
    `Throughput and cost (wrk -t1 -c${options.wrkConnections} --latency, keep-alive, closed loop)`,
    formatTable(
      [
        'target',
        'req/s',
        'wrk p50',
        'wrk p99',
        'CPU us/req',
        'proxy core',
        'CPU wait',
        'idle RSS',
        'peak RSS',
      ],
      measured.map((t) => [
        t.label,
        int(t.rps),
        us(t.wrkP50Us),
        us(t.wrkP99Us),
        num(t.cpuUsPerRequest),
        percent(t.proxyCpuBusy),
        percent(t.proxyRunQueueWaitMax),
        mb(t.idleRssKb),
        mb(t.peakRssKb),
      ]),
    ),
    '',
    `Latency at a fixed rate (open loop, ${options.openLoopConnections} keep-alive connections, timed from the intended send), us; +N = added over direct`,
    formatTable(
      ['target', ...options.ratesPerSec.flatMap((rate) => rateHeaders(rate))],
      measured.map((t) => [t.label, ...options.ratesPerSec.flatMap((rate) => rateCells(t, rate))]),
    ),
    '',
    `Ratios (lower is better; added p99 at ${rateName(firstRate)})`,
    formatTable(
      ['target', 'CPU/req vs HAProxy', 'added p99 vs HAProxy', 'CPU/req vs nginx', 'added p99 vs nginx'],
      measured
        .filter((t) => t.target !== 'direct')
        .map((t) => [t.label, ...ratioCells(t.vsHaproxy), ...ratioCells(t.vsNginx)]),
    ),
    ...featureSection(results),
    '',
    ...handshakeLines(results),
    'Tandem targets from the issue (report only; never fails the run)',
    ...results.criteria.map((c) => `  ${c.verdict.padEnd(7)} ${c.criterion}: ${c.detail}`),
    ...notes(results),
  ];
  return `${sections.join('\n')}\n`;
}

function featureSection(results: BenchResults): string[] {
  const costs = featureCosts(results.targets);
  if (costs.length === 0) return [];
  return [
    '',
    'Feature cost, relative to the plain Tandem row (Istio metrics are always on, in every Tandem row)',
    formatTable(
      ['target', 'req/s vs plain', 'CPU/req vs plain', 'limit'],
      costs.map((c) => [
        c.label,
        times(c.throughputRatio),
        times(c.cpuRatio),
        `<= ${Math.round(c.maxCost * 100)}% cost`,
      ]),
    ),
  ];
}

function rateHeaders(rate: number): string[] {
  const name = rateName(rate);
  return [`${name} p50`, 'p99', 'p99.9', '+p50', '+p99'];
}

function rateCells(target: TargetSummary, rate: number): string[] {
  const r = target.rates[String(rate)];
  if (!r) return ['-', '-', '-', '-', '-'];
  return [int(r.p50Us), int(r.p99Us), int(r.p999Us), signed(r.addedP50Us), signed(r.addedP99Us)];
}

function ratioCells(ratios: Ratios): string[] {
  return [times(ratios.cpuPerRequest), times(ratios.addedP99)];
}

function notes(results: BenchResults): string[] {
  const lines: string[] = [];
  const busy = results.machine.busyCpusBeforeStart;
  if (busy > 0.2)
    lines.push(`  the machine was not idle before the run (${busy.toFixed(2)} CPUs busy): expect noise`);
  for (const t of results.targets) {
    if (t.rounds === 0) lines.push(`  ${t.label}: not measured: ${indent(t.skipped ?? 'unknown reason')}`);
    else for (const error of t.errors) lines.push(`  ${t.label}: ${indent(error)}`);
    const wait = t.proxyRunQueueWaitMax;
    if (wait !== null && wait > DISTURBED_WAIT) {
      lines.push(
        `  ${t.label}: waited up to ${percent(wait)} of a run for its CPU: other work ran on its core`,
      );
    }
    if (t.wrkErrors > 0)
      lines.push(`  ${t.label}: wrk saw ${t.wrkErrors} non-2xx responses or socket errors`);
    for (const [rate, r] of Object.entries(t.rates)) {
      if (r.problems > 0)
        lines.push(`  ${t.label}: ${r.problems} failed or unanswered requests at ${rate} rps`);
    }
  }
  return lines.length > 0 ? ['', 'Notes', ...lines] : [];
}

function rateName(rate: number): string {
  return rate % 1000 === 0 ? `${rate / 1000}k` : `${rate}/s`;
}

function int(value: number | null): string {
  return value === null ? '-' : Math.round(value).toLocaleString('en-US');
}

function us(value: number | null): string {
  return value === null ? '-' : `${int(value)} us`;
}

function num(value: number | null): string {
  return value === null ? '-' : value.toFixed(2);
}

function signed(value: number | null): string {
  if (value === null) return '-';
  const rounded = Math.round(value);
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

function times(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}x`;
}

function percent(fraction: number | null): string {
  return fraction === null ? '-' : `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

function mb(kb: number | null): string {
  return kb === null ? '-' : `${((kb * 1024) / 1e6).toFixed(1)} MB`;
}

function indent(text: string): string {
  return text.split('\n').join('\n    ');
}

function handshakeLines(results: BenchResults): string[] {
  const h = results.handshakes;
  if (h === undefined) return [];
  if ('error' in h) return [`mTLS handshakes: not measured: ${h.error.split('\n')[0]}`, ''];
  return [
    `mTLS handshakes (new connections into one sidecar, full handshake + one request each): ${Math.round(h.perSec)}/s, ` +
      `${Math.round(h.perCoreSec)} per second of proxy CPU (per core); ${h.failed} failed`,
    '',
  ];
}
