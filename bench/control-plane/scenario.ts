/**
 * One run of the control-plane bench: generate the mesh, start the control plane on it, connect
 * the clients and wait until all are in sync, then make endpoint changes and full config changes
 * one at a time through the config directory, timing each from the file write to every affected
 * client's ACK. Returns what it measured and what it checked; stops everything it started.
 */
import { mkdirSync } from 'node:fs';
import { TypeUrls } from '@tandem/xds-proto';
import type { Cleanup } from '../proc/cleanup.ts';
import { sleep } from '../proc/managed-process.ts';
import { nowMs } from './client/ads-load-client.ts';
import { ClientPool } from './client/client-pool.ts';
import type { ClientStats } from './client/worker-protocol.ts';
import {
  fetchSyncz,
  type ProcessSample,
  type RunningControlPlane,
  sampleProcess,
  scrapeMetrics,
  startControlPlane,
} from './control-plane-process.ts';
import { type Distribution, distribution } from './distribution.ts';
import {
  type MeshRevision,
  routeMarker,
  writeMeshConfig,
  writeServiceFile,
  writeWorkloadsFile,
} from './mesh-files.ts';
import {
  type BenchService,
  buildMeshModel,
  clientsSeeing,
  type MeshModel,
  type MeshShape,
} from './mesh-model.ts';
import { type ServerDelta, serverDelta } from './server-metrics.ts';
import { type SyncCheck, verifySync } from './verify-sync.ts';

export interface ScenarioOptions {
  readonly shape: MeshShape;
  readonly endpointChanges: number;
  readonly fullChanges: number;
  readonly clientWorkers: number;
  readonly tandemRoot: string;
  /** Node flags for the control plane process (e.g. --cpu-prof). */
  readonly nodeFlags: readonly string[];
  readonly startupTimeoutMs: number;
  readonly syncTimeoutMs: number;
  readonly changeTimeoutMs: number;
  /** After every expected client ACKed a change, how long to keep counting pushes (to unaffected ones too). */
  readonly settleMs: number;
  readonly cleanup: Cleanup;
  readonly log: (line: string) => void;
}

export interface PhaseResources {
  readonly cpuSec: number;
  /** CPU the control plane wanted but did not get (the machine was busy with something else). */
  readonly cpuWaitSec: number;
  readonly rssMb: number;
  readonly peakRssMb: number;
}

export interface ChangeResult {
  readonly kind: 'endpoint' | 'full';
  readonly round: number;
  /** CLOCK_MONOTONIC microseconds at the change and at the end of the round (to slice a CPU profile). */
  readonly monotonicUs: { readonly start: number; readonly end: number };
  /** What changed: the moved workload, or the route revision. */
  readonly what: string;
  /** Clients whose config the change must reach, and how many of them ACKed it in time. */
  readonly expectedClients: number;
  readonly ackedClients: number;
  /** Clients that ACKed the change without being expected to see it (should be 0). */
  readonly unexpectedClients: number;
  /** Clients that received any response during the round (affected or not). */
  readonly pushedClients: number;
  /** Milliseconds from the file write to each expected client's ACK. */
  readonly latencyMs: Distribution;
  readonly server: ServerDelta;
  readonly resources: PhaseResources;
}

export interface InitialSyncResult {
  readonly clients: number;
  /** From the first connect until the last client had ACKed all four types. */
  readonly allSyncedMs: number;
  readonly perClientMs: Distribution;
  readonly server: ServerDelta;
  readonly resources: PhaseResources;
  /** Median per client: bytes received, resources per type. */
  readonly perClient: {
    readonly bytes: number;
    readonly clusters: number;
    readonly endpoints: number;
    readonly listeners: number;
    readonly routes: number;
  };
}

export interface ScenarioResult {
  readonly shape: MeshShape;
  readonly configObjects: number;
  readonly startupMs: number;
  readonly startup: PhaseResources;
  readonly initialSync: InitialSyncResult;
  readonly endpointChanges: readonly ChangeResult[];
  readonly fullChanges: readonly ChangeResult[];
  /** At the end: RSS, peak RSS (VmHWM) and CPU seconds of the control plane since it started. */
  readonly final: PhaseResources;
  readonly sync: SyncCheck;
  readonly clientErrors: readonly string[];
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const model = buildMeshModel(options.shape);
  const dir = options.cleanup.tempDir('control-plane');
  mkdirSync(dir, { recursive: true });
  let revision: MeshRevision = { routes: 1, addresses: new Map() };
  writeMeshConfig(dir, model, revision);
  const configObjects = model.services.reduce(
    (n, s) => n + 2 + s.workloads.length + (s.virtualService ? 1 : 0),
    options.shape.scoping === 'sidecar' ? options.shape.namespaces : 0,
  );
  options.log(`config: ${configObjects} objects in ${dir}; starting the control plane...`);
  const cp = await startControlPlane({
    tandemRoot: options.tandemRoot,
    configDir: dir,
    cleanup: options.cleanup,
    nodeFlags: options.nodeFlags,
    readyTimeoutMs: options.startupTimeoutMs,
  });
  const pid = cp.process.pid;
  const started = sampleProcess(pid);
  options.log(`control plane ready in ${Math.round(cp.startupMs)} ms (${started.rssMb.toFixed(0)} MB RSS)`);
  const pool = new ClientPool(cp.xdsAddress, model.clients, options.clientWorkers);
  try {
    const initialSync = await measureInitialSync(options, model, cp, pool);
    const endpointChanges: ChangeResult[] = [];
    for (let round = 1; round <= options.endpointChanges; round++) {
      const service = model.services[(round * 7919) % model.services.length]!;
      const workload = service.workloads[0]!;
      const address = `10.254.${round % 256}.${1 + (service.index % 250)}`;
      revision = { ...revision, addresses: new Map([...revision.addresses, [workload.name, address]]) };
      const next = revision;
      const result = await measureChange(options, cp, pool, {
        kind: 'endpoint',
        round,
        what: `${service.namespace}/${workload.name} -> ${address}`,
        typeUrl: TypeUrls.clusterLoadAssignment,
        marker: address,
        expected: clientsSeeing(model, service).map((c) => c.index),
        apply: () => writeWorkloadsFile(dir, service, next),
      });
      endpointChanges.push(result);
      options.log(`  endpoint change ${round}: ${describe(result)}`);
    }
    const fullChanges: ChangeResult[] = [];
    const routed = model.services.filter((s) => s.virtualService);
    for (let round = 1; round <= options.fullChanges; round++) {
      revision = { ...revision, routes: revision.routes + 1 };
      const next = revision;
      const result = await measureChange(options, cp, pool, {
        kind: 'full',
        round,
        what: `${routed.length} VirtualServices -> ${routeMarker(next.routes)}`,
        typeUrl: TypeUrls.routeConfiguration,
        marker: routeMarker(next.routes),
        expected: clientsSeeingAny(model, routed),
        apply: () => {
          for (const service of routed) writeServiceFile(dir, service, next);
        },
      });
      fullChanges.push(result);
      options.log(`  full change ${round}: ${describe(result)}`);
    }
    const stats = await pool.collect();
    const sync = verifySync(await fetchSyncz(cp.debugUrl), stats, model.clients);
    const end = sampleProcess(pid);
    return {
      shape: options.shape,
      configObjects,
      startupMs: cp.startupMs,
      startup: resourcesOf(undefined, started),
      initialSync,
      endpointChanges,
      fullChanges,
      final: resourcesOf(undefined, end),
      sync,
      clientErrors: stats.flatMap((c) => (c.error === null ? [] : [`client ${c.index}: ${c.error}`])),
    };
  } finally {
    await pool.stop();
    await cp.process.stop(30_000);
    options.cleanup.removeDir(dir);
  }
}

async function measureInitialSync(
  options: ScenarioOptions,
  model: MeshModel,
  cp: RunningControlPlane,
  pool: ClientPool,
): Promise<InitialSyncResult> {
  const before = sampleProcess(cp.process.pid);
  const metricsBefore = await scrapeMetrics(cp.debugUrl);
  const total = model.clients.length;
  options.log(`connecting ${total} clients...`);
  const began = await pool.connect();
  await pool.waitFor(
    () => pool.synced.size >= total,
    options.syncTimeoutMs,
    `initial sync of ${total} clients`,
  );
  const times = [...pool.synced.values()].map((at) => at - began);
  await sleep(options.settleMs);
  const after = sampleProcess(cp.process.pid);
  const stats = await pool.collect();
  const result: InitialSyncResult = {
    clients: total,
    allSyncedMs: Math.max(...times),
    perClientMs: distribution(times),
    server: serverDelta(metricsBefore, await scrapeMetrics(cp.debugUrl)),
    resources: resourcesOf(before, after),
    perClient: perClientSizes(stats),
  };
  options.log(
    `initial sync: ${total} clients in ${Math.round(result.allSyncedMs)} ms (p50 ${Math.round(result.perClientMs.p50 ?? 0)} ms)`,
  );
  return result;
}

interface Change {
  readonly kind: 'endpoint' | 'full';
  readonly round: number;
  readonly what: string;
  readonly typeUrl: string;
  readonly marker: string;
  readonly expected: readonly number[];
  readonly apply: () => void;
}

async function measureChange(
  options: ScenarioOptions,
  cp: RunningControlPlane,
  pool: ClientPool,
  change: Change,
): Promise<ChangeResult> {
  const round = change.kind === 'endpoint' ? change.round : 1000 + change.round;
  await pool.watch(round, change.typeUrl, change.marker);
  const before = sampleProcess(cp.process.pid);
  const metricsBefore = await scrapeMetrics(cp.debugUrl);
  const monotonicStart = monotonicUs();
  const began = nowMs();
  change.apply();
  const expected = new Set(change.expected);
  const ackedAll = () => [...expected].every((index) => pool.hits.has(index));
  await pool
    .waitFor(ackedAll, options.changeTimeoutMs, `${change.kind} change ${change.round}`)
    .catch((error: Error) => options.log(`  ${error.message}`));
  await sleep(options.settleMs);
  const after = sampleProcess(cp.process.pid);
  const metricsAfter = await scrapeMetrics(cp.debugUrl);
  const stats = await pool.collect();
  const latencies = [...expected].flatMap((index) => {
    const at = pool.hits.get(index);
    return at === undefined ? [] : [at - began];
  });
  return {
    kind: change.kind,
    round: change.round,
    monotonicUs: { start: monotonicStart, end: monotonicUs() },
    what: change.what,
    expectedClients: expected.size,
    ackedClients: latencies.length,
    unexpectedClients: [...pool.hits.keys()].filter((index) => !expected.has(index)).length,
    pushedClients: stats.filter((c) => c.roundResponses > 0).length,
    latencyMs: distribution(latencies),
    server: serverDelta(metricsBefore, metricsAfter),
    resources: resourcesOf(before, after),
  };
}

/** The monotonic clock V8's CPU profiles use, in microseconds. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function clientsSeeingAny(model: MeshModel, services: readonly BenchService[]): number[] {
  const seen = new Set<number>();
  for (const service of services) for (const client of clientsSeeing(model, service)) seen.add(client.index);
  return [...seen];
}

function resourcesOf(before: ProcessSample | undefined, after: ProcessSample): PhaseResources {
  return {
    cpuSec: after.cpuSec - (before?.cpuSec ?? 0),
    cpuWaitSec: after.cpuWaitSec - (before?.cpuWaitSec ?? 0),
    rssMb: after.rssMb,
    peakRssMb: after.peakRssMb,
  };
}

function perClientSizes(stats: readonly ClientStats[]): InitialSyncResult['perClient'] {
  const middle = <T>(values: T[], f: (v: T) => number) => {
    const sorted = values.map(f).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const of = (typeUrl: string) => (c: ClientStats) =>
    c.types.find((t) => t.typeUrl === typeUrl)?.resources ?? 0;
  const list = [...stats];
  return {
    bytes: middle(list, (c) => c.bytesReceived),
    clusters: middle(list, of(TypeUrls.cluster)),
    endpoints: middle(list, of(TypeUrls.clusterLoadAssignment)),
    listeners: middle(list, of(TypeUrls.listener)),
    routes: middle(list, of(TypeUrls.routeConfiguration)),
  };
}

function describe(result: ChangeResult): string {
  const l = result.latencyMs;
  return (
    `${result.what}: ${result.ackedClients}/${result.expectedClients} clients ACKed, ` +
    `p50 ${fmt(l.p50)} p99 ${fmt(l.p99)} max ${fmt(l.max)} ms; ${result.pushedClients} clients pushed`
  );
}

function fmt(ms: number | null): string {
  return ms === null ? '-' : ms.toFixed(0);
}
