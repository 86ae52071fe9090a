/**
 * Medians over rounds and runs, the targets as PASS/FAIL, and the translation cost per
 * proxy, from the raw results of the scenario runs of one scoping.
 */
import { median } from './distribution.ts';
import type { Scoping } from './mesh-model.ts';
import type { ChangeResult, ScenarioResult } from './scenario.ts';

export const TARGETS = { endpointP99Ms: 1000, fullAllAckedMs: 5000, rssMiB: 1024 } as const;

export interface ChangeSummary {
  readonly rounds: number;
  /** Medians over rounds of each round's percentile (ms). */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** The worst round's p99 and max (ms). */
  readonly worstP99Ms: number | null;
  readonly worstMaxMs: number | null;
  readonly expectedClients: number | null;
  readonly pushedClients: number | null;
  /** Every round reached every expected client, and no other client saw the change. */
  readonly complete: boolean;
  readonly cpuSec: number | null;
  readonly cpuWaitSec: number | null;
  readonly serverConvergenceMeanMs: number | null;
  readonly pushMs: number | null;
  readonly translations: number | null;
  readonly translateMsPerTranslation: number | null;
}

export interface ScopingSummary {
  readonly scoping: Scoping;
  readonly runs: number;
  readonly startupMs: number | null;
  readonly initialSyncMs: number | null;
  readonly initialSyncCpuSec: number | null;
  readonly initialSyncCpuWaitSec: number | null;
  readonly perClient: ScenarioResult['initialSync']['perClient'] | undefined;
  readonly endpoint: ChangeSummary;
  readonly full: ChangeSummary;
  readonly rssMiB: number | null;
  readonly peakRssMiB: number | null;
  readonly totalCpuSec: number | null;
  /** Translation: ms per translation computed, ms per proxy served (amortized), over all phases. */
  readonly translateMsPerTranslation: number | null;
  readonly translateMsPerProxy: number | null;
  readonly snapshotMsPerSnapshot: number | null;
  readonly translations: number;
  readonly proxiesServed: number;
  readonly synced: boolean;
  readonly problems: readonly string[];
  readonly verdicts: readonly {
    readonly name: string;
    readonly value: string;
    readonly verdict: 'PASS' | 'FAIL' | 'N/A';
  }[];
}

const MIB = 1.048576;

export function summarizeScoping(
  scoping: Scoping,
  runs: readonly ScenarioResult[],
  failures: readonly string[] = [],
): ScopingSummary {
  const endpoint = summarizeChanges(runs.flatMap((r) => r.endpointChanges));
  const full = summarizeChanges(runs.flatMap((r) => r.fullChanges));
  const phases = runs.flatMap((r) => [
    r.initialSync.server,
    ...[...r.endpointChanges, ...r.fullChanges].map((c) => c.server),
  ]);
  const translateMs = phases.reduce((n, p) => n + p.translateMs, 0);
  const translations = phases.reduce((n, p) => n + p.translations, 0);
  const proxiesServed = phases.reduce((n, p) => n + p.proxiesPushed, 0);
  const snapshotMs = phases.reduce((n, p) => n + p.snapshotMs, 0);
  const snapshots = phases.reduce((n, p) => n + p.snapshots, 0);
  const peakRssMiB = Math.max(...runs.map((r) => r.final.peakRssMb / MIB));
  const problems = [
    ...failures.map((f) => `run failed: ${f}`),
    ...runs.flatMap((r) => [...r.sync.problems, ...r.clientErrors]),
  ];
  const synced =
    failures.length === 0 &&
    runs.length > 0 &&
    runs.every((r) => r.sync.syncedClients === r.sync.clients && r.sync.connections === r.sync.clients);
  const summary = {
    scoping,
    runs: runs.length,
    startupMs: median(runs.map((r) => r.startupMs)),
    initialSyncMs: median(runs.map((r) => r.initialSync.allSyncedMs)),
    initialSyncCpuSec: median(runs.map((r) => r.initialSync.resources.cpuSec)),
    initialSyncCpuWaitSec: median(runs.map((r) => r.initialSync.resources.cpuWaitSec)),
    perClient: runs[0]?.initialSync.perClient,
    endpoint,
    full,
    rssMiB: median(runs.map((r) => r.final.rssMb / MIB)),
    peakRssMiB: Number.isFinite(peakRssMiB) ? peakRssMiB : null,
    totalCpuSec: median(runs.map((r) => r.final.cpuSec)),
    translateMsPerTranslation: translations === 0 ? null : translateMs / translations,
    translateMsPerProxy: proxiesServed === 0 ? null : translateMs / proxiesServed,
    snapshotMsPerSnapshot: snapshots === 0 ? null : snapshotMs / snapshots,
    translations,
    proxiesServed,
    synced,
    problems,
  };
  return { ...summary, verdicts: verdictsOf(summary) };
}

function summarizeChanges(changes: readonly ChangeResult[]): ChangeSummary {
  const worst = (values: (number | null)[]) => {
    const present = values.filter((v): v is number => v !== null);
    return present.length === 0 ? null : Math.max(...present);
  };
  const translations = changes.reduce((n, c) => n + c.server.translations, 0);
  const translateMs = changes.reduce((n, c) => n + c.server.translateMs, 0);
  return {
    rounds: changes.length,
    p50Ms: median(changes.map((c) => c.latencyMs.p50)),
    p99Ms: median(changes.map((c) => c.latencyMs.p99)),
    maxMs: median(changes.map((c) => c.latencyMs.max)),
    worstP99Ms: worst(changes.map((c) => c.latencyMs.p99)),
    worstMaxMs: worst(changes.map((c) => c.latencyMs.max)),
    expectedClients: median(changes.map((c) => c.expectedClients)),
    pushedClients: median(changes.map((c) => c.pushedClients)),
    complete: changes.every((c) => c.ackedClients === c.expectedClients && c.unexpectedClients === 0),
    cpuSec: median(changes.map((c) => c.resources.cpuSec)),
    cpuWaitSec: median(changes.map((c) => c.resources.cpuWaitSec)),
    serverConvergenceMeanMs: median(changes.map((c) => c.server.convergence.meanMs)),
    pushMs: median(changes.map((c) => (c.server.pushes === 0 ? null : c.server.pushMs / c.server.pushes))),
    translations: median(changes.map((c) => c.server.translations)),
    translateMsPerTranslation: translations === 0 ? null : translateMs / translations,
  };
}

function verdictsOf(s: Omit<ScopingSummary, 'verdicts'>): ScopingSummary['verdicts'] {
  const check = (name: string, value: number | null, limit: number, unit: string, complete = true) => ({
    name,
    value: value === null ? '-' : `${value.toFixed(0)} ${unit} (< ${limit} ${unit})`,
    verdict:
      value === null ? ('N/A' as const) : value < limit && complete ? ('PASS' as const) : ('FAIL' as const),
  });
  return [
    check(
      'endpoint change -> affected clients ACKed, p99',
      s.endpoint.p99Ms,
      TARGETS.endpointP99Ms,
      'ms',
      s.endpoint.complete,
    ),
    check(
      'full config change -> every client ACKed',
      s.full.maxMs,
      TARGETS.fullAllAckedMs,
      'ms',
      s.full.complete,
    ),
    check('control plane peak RSS (VmHWM)', s.peakRssMiB, TARGETS.rssMiB, 'MiB'),
  ];
}
