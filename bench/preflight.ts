import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { BenchOptions } from './options.ts';
import { hasSchedstat } from './schedstat.ts';
import { INSTALL_HINT, type Tools } from './tools.ts';

export interface Preflight {
  /** Fatal problems: the bench cannot run at all. */
  fatal: string[];
  /** Things that degrade the run, printed before it starts. */
  warnings: string[];
  /** Options adjusted to the machine (pinning turned off when impossible). */
  options: BenchOptions;
}

/** Checks programs, CPUs and /proc before anything starts. */
export function preflight(tools: Tools, options: BenchOptions): Preflight {
  const fatal: string[] = [];
  const warnings: string[] = [];
  if (!tools.nginx) fatal.push(`nginx is required (it is the backend). Install it: ${INSTALL_HINT}`);
  if (!tools.wrk) fatal.push(`wrk is required for the throughput runs. Install it: ${INSTALL_HINT}`);
  if (!tools.haproxy && options.targets.includes('haproxy')) {
    warnings.push(`haproxy not found: the HAProxy target is skipped. Install it: ${INSTALL_HINT}`);
  }
  if (!hasSchedstat())
    fatal.push('/proc/<pid>/task/<tid>/schedstat is not available (kernel without CONFIG_SCHED_INFO)');
  let adjusted = options;
  if (options.nice !== undefined && options.nice < 0 && process.getuid?.() !== 0) {
    warnings.push(`--nice ${options.nice} needs root: running at normal priority`);
    adjusted = { ...adjusted, nice: undefined };
  }
  if (options.proxyCpu !== undefined) {
    const reason = pinningProblem(tools, Math.max(options.proxyCpu, options.loadCpu ?? 0));
    if (reason) {
      warnings.push(`not pinning CPUs: ${reason}`);
      adjusted = { ...adjusted, proxyCpu: undefined, loadCpu: undefined };
    }
  }
  return { fatal, warnings, options: adjusted };
}

function pinningProblem(tools: Tools, highestCpu: number): string | undefined {
  if (!tools.taskset) return 'taskset not found (apt-get install -y util-linux)';
  if (availableParallelism() <= highestCpu) return `only ${availableParallelism()} CPU(s) available`;
  try {
    execFileSync(tools.taskset, ['-c', String(highestCpu), 'true'], { stdio: 'ignore', timeout: 5_000 });
  } catch {
    return `taskset -c ${highestCpu} failed (CPU not in this process's allowed set)`;
  }
  return undefined;
}
