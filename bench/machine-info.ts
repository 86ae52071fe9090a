import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import type { BenchResults } from './results.ts';

/** CPU count and model, kernel and Node version, for the results file. */
export function describeMachine(): Omit<BenchResults['machine'], 'busyCpusBeforeStart'> {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // Not Linux, or /proc hidden.
  }
  return { cpus: availableParallelism(), cpuModel, kernel: release(), node: process.version };
}

/** Short commit of the checkout at `dir` (with "+dirty" if it has changes), or "unknown". */
export function gitCommit(dir: string): string {
  try {
    const run = (args: string[]): string =>
      execFileSync('git', ['-C', dir, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5_000,
      }).trim();
    const commit = run(['rev-parse', '--short', 'HEAD']);
    return run(['status', '--porcelain']) ? `${commit}+dirty` : commit;
  } catch {
    return 'unknown';
  }
}
