/** The control-plane bench's table: one block per scoping, then the targets. */
import { formatTable } from '../format-table.ts';
import type { CpBenchOptions } from './options.ts';
import type { ScopingSummary } from './summarize.ts';

export function renderReport(
  options: CpBenchOptions,
  summaries: readonly ScopingSummary[],
  machine: string,
): string {
  const head =
    `Control plane: ${options.services} services x ${options.endpointsPerService} endpoints in ` +
    `${options.namespaces} namespaces, ${options.clients} ADS clients (${options.deltaClients} delta), ` +
    `${options.runs} run(s) per scoping. ${machine}`;
  return [head, '', ...summaries.map(renderScoping), legend()].join('\n');
}

function renderScoping(s: ScopingSummary): string {
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(0));
  const dec = (v: number | null | undefined, digits = 2) =>
    v === null || v === undefined ? '-' : v.toFixed(digits);
  const change = (label: string, c: ScopingSummary['endpoint']) => [
    label,
    ms(c.p50Ms),
    ms(c.p99Ms),
    ms(c.maxMs),
    ms(c.worstMaxMs),
    `${ms(c.expectedClients)} / ${ms(c.pushedClients)}${c.complete ? '' : ' (INCOMPLETE)'}`,
    dec(c.cpuSec),
    dec(c.cpuWaitSec),
    ms(c.serverConvergenceMeanMs),
  ];
  const table = formatTable(
    [
      'scoping: ' + s.scoping,
      'p50 ms',
      'p99 ms',
      'max ms',
      'worst max',
      'affected / pushed',
      'CPU s',
      'CPU wait s',
      'pilot conv. ms',
    ],
    [
      [
        'initial sync (connect -> all ACKed)',
        '-',
        '-',
        ms(s.initialSyncMs),
        '-',
        '-',
        dec(s.initialSyncCpuSec),
        '-',
      ],
      change(`endpoint change (${s.endpoint.rounds} rounds)`, s.endpoint),
      change(`full config change (${s.full.rounds} rounds)`, s.full),
    ],
  );
  const per = s.perClient;
  const lines = [
    table,
    `  per client: ${per?.clusters ?? '-'} clusters, ${per?.endpoints ?? '-'} endpoint sets, ${per?.listeners ?? '-'} listeners, ` +
      `${per?.routes ?? '-'} route configs, ${per === undefined ? '-' : (per.bytes / 1e6).toFixed(2)} MB received in the run`,
    `  translation: ${dec(s.translateMsPerTranslation)} ms per translation computed, ${dec(s.translateMsPerProxy, 3)} ms per proxy ` +
      `served (${s.translations} translations for ${s.proxiesServed} proxy snapshots); snapshot encoding ${dec(s.snapshotMsPerSnapshot)} ms each`,
    `  push (translate + publish, all proxies): endpoint change ${dec(s.endpoint.pushMs, 0)} ms, full change ${dec(s.full.pushMs, 0)} ms`,
    `  control plane: started in ${ms(s.startupMs)} ms; RSS ${dec(s.rssMiB, 0)} MiB at the end, peak ${dec(s.peakRssMiB, 0)} MiB; ` +
      `${dec(s.totalCpuSec, 1)} CPU s in total`,
    `  check: ${s.synced ? 'every client SYNCED at the version the server recorded' : 'NOT IN SYNC'}` +
      (s.problems.length > 0 ? `\n    ${s.problems.slice(0, 5).join('\n    ')}` : ''),
    ...s.verdicts.map((v) => `  ${v.verdict.padEnd(4)}  ${v.name}: ${v.value}`),
    '',
  ];
  return lines.join('\n');
}

function legend(): string {
  return [
    "Latency: from the config file write to each affected client's ACK (includes the 100 ms file-watch settle and the",
    '100 ms push debounce). p50/p99/max are per round, then the median over rounds; "worst max" is the worst round.',
    '"affected" = clients whose config includes the change; "pushed" = clients that received any response in the round.',
    '"pilot conv." = the control plane\'s own pilot_proxy_convergence_time (debounce start -> push queued), mean.',
    '"CPU s" = the control plane\'s CPU time; "CPU wait s" = time it was ready to run but another process had the CPU.',
  ].join('\n');
}
