import type { OpenLoopResult } from './open-loop.ts';
import { runOpenLoopProcess } from './open-loop-runner.ts';
import type { BenchOptions } from './options.ts';
import { sleep } from './proc/managed-process.ts';
import { readMemory } from './proc/memory.ts';
import { cpuDelta, readCpuSample } from './schedstat.ts';
import type { RunningTarget, Target, TargetContext } from './targets/target.ts';
import { runWrk, type WrkResult } from './wrk.ts';

/** Everything measured for one target in one round. Proxy-only fields are null for `direct`. */
export interface TargetRound {
  target: Target['name'];
  round: number;
  /** Set when the target could not be started or measured; the other fields are then absent. */
  error?: string;
  /** Where it failed: a start failure (e.g. the proxy is not built) is not retried in later rounds. */
  failedAt?: 'start' | 'measure';
  wrk?: WrkResult;
  /** Proxy CPU time (all processes and threads) during the measured wrk run, per request. */
  cpuUsPerRequest?: number | null;
  /** That CPU time over the wrk run's wall time: 1.0 means the proxy's core was saturated. */
  proxyCpuBusy?: number | null;
  /**
   * Time the proxy's threads were runnable but waiting for a CPU, over the wrk run's wall time. Above
   * a few percent, something else was running on the proxy's core and the run is disturbed.
   */
  proxyRunQueueWait?: number | null;
  idleRssKb?: number | null;
  peakRssKb?: number | null;
  /** Keyed by rate (requests/s). */
  openLoop?: Record<string, OpenLoopResult>;
  /** Proxy CPU and run-queue wait during each open-loop run, keyed by rate. */
  openLoopCost?: Record<string, OpenLoopCost | null>;
}

export interface OpenLoopCost {
  /** Proxy CPU time over all responses of the run (warm-up included), µs. */
  cpuUsPerRequest: number;
  /** Run-queue wait over the run's wall time (see proxyRunQueueWait). */
  runQueueWait: number;
}

/** What one round shares across its targets. */
export interface RoundSetup {
  round: number;
  options: BenchOptions;
  context: TargetContext;
  /** Path of the wrk binary. */
  wrk: string;
}

const SETTLE_MS = 500;

/**
 * Starts `target`, measures it (idle RSS, warm-up, wrk with CPU accounting, each open-loop rate,
 * peak RSS) and stops it, whatever happens.
 */
export async function measureTarget(target: Target, setup: RoundSetup): Promise<TargetRound> {
  const round = setup.round;
  let running: RunningTarget;
  try {
    running = await target.start(setup.context);
  } catch (error) {
    return {
      target: target.name,
      round,
      failedAt: 'start',
      error: error instanceof Error ? error.message : String(error),
    };
  }
  try {
    return await measureRunning(target, running, setup);
  } catch (error) {
    return {
      target: target.name,
      round,
      failedAt: 'measure',
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await running.stop();
  }
}

async function measureRunning(
  target: Target,
  running: RunningTarget,
  setup: RoundSetup,
): Promise<TargetRound> {
  const { round, options, wrk } = setup;
  const cleanup = setup.context.cleanup;
  const proxy = target.isProxy;
  await sleep(SETTLE_MS);
  const idleRssKb = proxy ? readMemory(running.pids()).rssKb : null;
  const wrkRun = { wrk, port: running.port, connections: options.wrkConnections, cpu: options.loadCpu };
  if (options.warmupSec > 0) await runWrk({ ...wrkRun, durationSec: options.warmupSec }, cleanup);

  const pidsBefore = running.pids();
  const before = readCpuSample(pidsBefore);
  const measured = await runWrk({ ...wrkRun, durationSec: options.durationSec }, cleanup);
  const after = readCpuSample([...new Set([...pidsBefore, ...running.pids()])]);
  const { onCpuNs: cpuNs, waitNs } = cpuDelta(before, after);

  const openLoop: Record<string, OpenLoopResult> = {};
  const openLoopCost: Record<string, OpenLoopCost | null> = {};
  for (const ratePerSec of options.ratesPerSec) {
    const pids = running.pids();
    const start = { sample: readCpuSample(pids), ns: performance.now() * 1e6 };
    const result = await runOpenLoopProcess(
      {
        port: running.port,
        ratePerSec,
        durationMs: options.durationSec * 1_000,
        connections: options.openLoopConnections,
        cpu: options.loadCpu,
      },
      cleanup,
    );
    const spent = cpuDelta(start.sample, readCpuSample([...new Set([...pids, ...running.pids()])]));
    const wallNs = performance.now() * 1e6 - start.ns;
    openLoop[ratePerSec] = result;
    openLoopCost[ratePerSec] =
      proxy && result.responsesTotal > 0
        ? {
            cpuUsPerRequest: spent.onCpuNs / 1e3 / result.responsesTotal,
            runQueueWait: spent.waitNs / wallNs,
          }
        : null;
  }
  return {
    target: target.name,
    round,
    wrk: measured,
    cpuUsPerRequest: proxy && measured.requests > 0 ? cpuNs / 1e3 / measured.requests : null,
    proxyCpuBusy: proxy ? cpuNs / (measured.elapsedSec * 1e9) : null,
    proxyRunQueueWait: proxy ? waitNs / (measured.elapsedSec * 1e9) : null,
    idleRssKb,
    peakRssKb: proxy ? readMemory(running.pids()).peakRssKb : null,
    openLoop,
    openLoopCost,
  };
}
