/**
 * `npm run bench:control-plane`: the control plane at scale (1,000 services x 3 endpoints, 1,000
 * ADS clients by default). See bench/control-plane/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, gitCommit } from '../machine-info.ts';
import { Cleanup } from '../proc/cleanup.ts';
import { machineBusyCpus } from '../proc/cpu-idle.ts';
import { type CpBenchOptions, HelpRequested, parseOptions, USAGE } from './options.ts';
import { renderReport } from './report.ts';
import { runScenario, type ScenarioResult } from './scenario.ts';
import { type ScopingSummary, summarizeScoping } from './summarize.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<number> {
  let options: CpBenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env, REPO_ROOT);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    log(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const cleanup = new Cleanup({ nice: options.nice });
  // The clients are worker threads of this process: they inherit this thread's priority.
  if (options.clientsNice !== undefined) setPriority(options.clientsNice);
  cleanup.installHandlers();
  const startedAt = new Date();
  try {
    const busyBefore = await machineBusyCpus();
    if (busyBefore > 0.2)
      log(`warning: the machine is not idle (${busyBefore.toFixed(2)} CPUs busy): expect noise`);
    const runs: { scoping: string; run: number; result?: ScenarioResult; error?: string }[] = [];
    const summaries: ScopingSummary[] = [];
    for (const scoping of options.scopings) {
      const results: ScenarioResult[] = [];
      for (let run = 1; run <= options.runs; run++) {
        log(`== scoping ${scoping}, run ${run}/${options.runs}`);
        const outcome = await runScenario({
          shape: {
            services: options.services,
            endpointsPerService: options.endpointsPerService,
            namespaces: options.namespaces,
            clients: options.clients,
            deltaClients: options.deltaClients,
            scoping,
            virtualServiceEvery: 3,
            grpcPortEvery: 4,
          },
          endpointChanges: options.endpointChanges,
          fullChanges: options.fullChanges,
          clientWorkers: options.clientWorkers,
          tandemRoot: options.tandemRoot,
          nodeFlags: [...options.nodeFlags, ...cpuProfFlags(options, scoping, run)],
          startupTimeoutMs: 120_000,
          syncTimeoutMs: 300_000,
          changeTimeoutMs: 60_000,
          settleMs: options.settleMs,
          cleanup,
          log,
        }).then(
          (result) => ({ result }),
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        );
        if ('error' in outcome) log(`run failed: ${outcome.error}`);
        else results.push(outcome.result);
        runs.push({ scoping, run, ...outcome });
      }
      const failures = runs
        .filter((r) => r.scoping === scoping && r.error !== undefined)
        .map((r) => r.error!);
      summaries.push(summarizeScoping(scoping, results, failures));
    }
    const busyAfter = await machineBusyCpus();
    const machine = describeMachine();
    const load = `Machine: ${machine.cpus} CPUs, ${busyBefore.toFixed(2)} CPUs busy before the run, ${busyAfter.toFixed(2)} after.`;
    const file = writeResults(options.outDir, startedAt, {
      schema: 'tandem-bench-control-plane/1',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machine, busyCpusBefore: busyBefore, busyCpusAfter: busyAfter },
      tandem: { root: options.tandemRoot, commit: gitCommit(options.tandemRoot) },
      options,
      summaries,
      runs,
    });
    process.stdout.write(`\n${renderReport(options, summaries, load)}\nJSON: ${file}\n`);
    return 0;
  } finally {
    await cleanup.stopAll();
  }
}

function cpuProfFlags(options: CpBenchOptions, scoping: string, run: number): string[] {
  if (options.cpuProfDir === undefined) return [];
  mkdirSync(options.cpuProfDir, { recursive: true });
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${options.cpuProfDir}`,
    `--cpu-prof-name=control-plane-${scoping}-${run}.cpuprofile`,
  ];
}

function writeResults(outDir: string, startedAt: Date, results: unknown): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `control-plane-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

process.exitCode = await main();
