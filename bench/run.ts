/**
 * `npm run bench`: Tandem's proxy side by side with a direct connection, HAProxy and nginx, on one
 * nginx backend and the same load generators, interleaved over rounds. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateCriteria, evaluateMtlsCriterion } from './criteria.ts';
import { featureCriteria } from './feature-cost.ts';
import { describeMachine, gitCommit } from './machine-info.ts';
import { measureTarget, type TargetRound } from './measure-target.ts';
import { type HandshakeResult, measureHandshakes } from './mtls/handshake-rate.ts';
import { type BenchOptions, HelpRequested, parseOptions, USAGE } from './options.ts';
import { preflight } from './preflight.ts';
import { Cleanup } from './proc/cleanup.ts';
import { machineBusyCpus } from './proc/cpu-idle.ts';
import { renderReport } from './report.ts';
import type { BenchResults } from './results.ts';
import { summarize } from './summarize.ts';
import { startBackend } from './targets/backend.ts';
import { buildTargets } from './targets/build-targets.ts';
import type { Target, TargetContext } from './targets/target.ts';
import { findTools, type Tools, toolVersion } from './tools.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<number> {
  const parsed = readOptions();
  if (typeof parsed === 'number') return parsed;
  const tools = findTools();
  const check = preflight(tools, parsed);
  for (const warning of check.warnings) log(`warning: ${warning}`);
  if (check.fatal.length > 0) {
    for (const problem of check.fatal) log(`error: ${problem}`);
    return 1;
  }
  const options = check.options;
  const versions = {
    haproxy: tools.haproxy ? toolVersion(tools.haproxy, ['-v'], /HAProxy version ([\d.]+)/) : 'missing',
    nginx: toolVersion(tools.nginx!, ['-v'], /nginx\/([\d.]+)/),
    wrk: toolVersion(tools.wrk!, ['-v'], /^wrk (\S+)/m),
  };
  const tandemCommit = gitCommit(options.tandemRoot);
  const targets = buildTargets(tools, { ...versions, tandem: tandemCommit }, options);
  const cleanup = new Cleanup({ nice: options.nice });
  cleanup.installHandlers();
  try {
    const busyCpus = await machineBusyCpus();
    if (busyCpus > 0.2) {
      log(
        `warning: the machine is not idle (${busyCpus.toFixed(2)} CPUs busy before start): expect noisy numbers`,
      );
    }
    const startedAt = new Date();
    const { rounds, handshakes } = await runRounds(targets, options, tools, cleanup);
    const summaries = summarize(targets, rounds, options.ratesPerSec);
    const results: BenchResults = {
      schema: 'tandem-bench/1',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...describeMachine(), busyCpusBeforeStart: Number(busyCpus.toFixed(3)) },
      tools: versions,
      tandem: { root: options.tandemRoot, commit: tandemCommit },
      options,
      pinning: describePinning(options),
      targets: summaries,
      criteria: [
        ...evaluateCriteria(summaries, options.ratesPerSec[0]),
        ...featureCriteria(summaries),
        ...evaluateMtlsCriterion(summaries),
      ],
      ...(handshakes === undefined ? {} : { handshakes }),
      rounds,
    };
    const file = writeResults(results, options.outDir, startedAt);
    process.stdout.write(`\n${renderReport(results)}\nJSON: ${file}\n`);
    return 0;
  } finally {
    await cleanup.stopAll();
  }
}

/** Runs every runnable target once per round, rotating the order, against one shared backend. */
async function runRounds(
  targets: Target[],
  options: BenchOptions,
  tools: Tools,
  cleanup: Cleanup,
): Promise<{ rounds: TargetRound[]; handshakes: HandshakeResult | { error: string } | undefined }> {
  const results: TargetRound[] = [];
  let handshakes: HandshakeResult | { error: string } | undefined;
  const runnable = targets.filter((target) => {
    const reason = target.unavailableReason();
    if (reason) results.push({ target: target.name, round: 0, failedAt: 'start', error: reason });
    if (reason) log(`skipping ${target.label}: ${reason}`);
    return !reason;
  });
  const base = { proxyCpu: options.proxyCpu, cleanup, readyTimeoutMs: options.readyTimeoutMs };
  const backend = await startBackend(tools.nginx!, options.loadCpu, base);
  const context: TargetContext = { ...base, backendPort: backend.port };
  log(`backend nginx on 127.0.0.1:${backend.port}; ${describePinning(options)}`);
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const order = rotate(runnable, round - 1);
      for (const target of order) {
        const began = Date.now();
        log(`[round ${round}/${options.rounds}] ${target.label}...`);
        const result = await measureTarget(target, { round, options, context, wrk: tools.wrk! });
        results.push(result);
        log(`  ${progressLine(result)} (${((Date.now() - began) / 1_000).toFixed(1)} s)`);
        if (result.failedAt === 'start') runnable.splice(runnable.indexOf(target), 1);
      }
    }
    if (runnable.some((t) => t.name === 'tandem-mtls')) {
      log('mTLS handshakes per second per core...');
      try {
        handshakes = await measureHandshakes(
          options.tandemRoot,
          context,
          options.loadCpu,
          options.durationSec * 1000,
        );
        log(
          `  ${Math.round(handshakes.perSec)} handshakes/s, ${Math.round(handshakes.perCoreSec)} per proxy CPU second`,
        );
      } catch (error) {
        handshakes = { error: error instanceof Error ? error.message : String(error) };
        log(`  FAILED: ${handshakes.error}`);
      }
    }
  } finally {
    await backend.stop();
  }
  return { rounds: results, handshakes };
}

function progressLine(result: TargetRound): string {
  if (result.error) {
    const again = result.failedAt === 'start' ? '; not retried in later rounds' : '';
    return `FAILED${again}: ${result.error.split('\n').join('\n    ')}`;
  }
  const rates = Object.entries(result.openLoop ?? {})
    .map(([rate, r]) => `${rate} rps p99 ${r.latencyUs.p99} us`)
    .join(', ');
  const cpu = result.cpuUsPerRequest == null ? '' : `, ${result.cpuUsPerRequest.toFixed(2)} us CPU/req`;
  return `${Math.round(result.wrk!.requestsPerSec)} req/s${cpu}, ${rates}`;
}

function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function describePinning(options: BenchOptions): string {
  if (options.proxyCpu === undefined)
    return 'CPU pinning off: proxy, backend and load generators float over all CPUs.';
  return (
    `Proxy under test pinned to CPU ${options.proxyCpu}; backend nginx, wrk and the open-loop generator share CPU ` +
    `${options.loadCpu} (the same for every target, including direct).`
  );
}

function writeResults(results: BenchResults, outDir: string, startedAt: Date): string {
  mkdirSync(outDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = join(outDir, `results-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** The parsed options, or the exit code when there is nothing to run (help, bad flags). */
function readOptions(): BenchOptions | number {
  try {
    return parseOptions(process.argv.slice(2), process.env, REPO_ROOT);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    log(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

process.exitCode = await main();
