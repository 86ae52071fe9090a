/**
 * The control plane under test, as users run it: `tandem control-plane --config-dir DIR` in a
 * child process of its own, so that its RSS and CPU time are its alone. Read through /proc
 * (VmRSS, VmHWM, per-thread CPU time) and its Prometheus endpoint.
 */
import { join } from 'node:path';
import { freePort } from '../net/free-port.ts';
import { waitUntil } from '../net/wait-until.ts';
import type { Cleanup } from '../proc/cleanup.ts';
import type { ManagedProcess } from '../proc/managed-process.ts';
import { readMemory } from '../proc/memory.ts';
import { readCpuSample } from '../schedstat.ts';
import { type PromSamples, parsePrometheus } from './prometheus-text.ts';

export interface ControlPlaneStart {
  readonly tandemRoot: string;
  readonly configDir: string;
  readonly cleanup: Cleanup;
  /** Extra node flags (e.g. `--cpu-prof`, `--max-old-space-size=...`). */
  readonly nodeFlags: readonly string[];
  readonly readyTimeoutMs: number;
}

export interface RunningControlPlane {
  readonly process: ManagedProcess;
  readonly xdsAddress: string;
  readonly debugUrl: string;
  /** From spawn until /ready answered 200 (config read, parsed, translated). */
  readonly startupMs: number;
}

export async function startControlPlane(start: ControlPlaneStart): Promise<RunningControlPlane> {
  const [xdsPort, debugPort] = [await freePort(), await freePort()];
  const began = performance.now();
  const child = start.cleanup.spawn(
    process.execPath,
    [
      ...start.nodeFlags,
      join(start.tandemRoot, 'packages/cli/bin/tandem.js'),
      'control-plane',
      '--config-dir',
      start.configDir,
      '--xds-address',
      `127.0.0.1:${xdsPort}`,
      '--debug-address',
      `127.0.0.1:${debugPort}`,
    ],
    { name: 'control plane' },
  );
  const debugUrl = `http://127.0.0.1:${debugPort}`;
  await waitUntil(async () => (await fetch(`${debugUrl}/ready`)).status === 200, {
    what: 'control plane /ready',
    timeoutMs: start.readyTimeoutMs,
    intervalMs: 100,
    abortReason: () =>
      child.running ? undefined : `exited (${JSON.stringify(child.status)}): ${child.stderrTail()}`,
  });
  return {
    process: child,
    xdsAddress: `127.0.0.1:${xdsPort}`,
    debugUrl,
    startupMs: performance.now() - began,
  };
}

export interface ProcessSample {
  readonly atMs: number;
  /** CPU time of every thread of the process, seconds. */
  readonly cpuSec: number;
  /** Time its threads were ready to run but waited for a CPU (another process had it), seconds. */
  readonly cpuWaitSec: number;
  readonly rssMb: number;
  readonly peakRssMb: number;
}

export function sampleProcess(pid: number): ProcessSample {
  let onCpuNs = 0;
  let waitNs = 0;
  for (const times of readCpuSample([pid]).values()) {
    onCpuNs += times.onCpuNs;
    waitNs += times.waitNs;
  }
  const memory = readMemory([pid]);
  return {
    atMs: Date.now(),
    cpuSec: onCpuNs / 1e9,
    cpuWaitSec: waitNs / 1e9,
    rssMb: (memory.rssKb * 1024) / 1e6,
    peakRssMb: (memory.peakRssKb * 1024) / 1e6,
  };
}

export async function scrapeMetrics(debugUrl: string): Promise<PromSamples> {
  const response = await fetch(`${debugUrl}/metrics`);
  return parsePrometheus(await response.text());
}

/** Per-connection sync state from /debug/syncz. */
export interface SyncEntry {
  proxy: string;
  protocol: string;
  types: Record<string, { state: string; sent: string | null; acked: string | null; nack: string | null }>;
}

export async function fetchSyncz(debugUrl: string): Promise<SyncEntry[]> {
  const response = await fetch(`${debugUrl}/debug/syncz`);
  return (await response.json()) as SyncEntry[];
}
