import { fileURLToPath } from 'node:url';
import type { OpenLoopResult } from './open-loop.ts';
import type { Cleanup } from './proc/cleanup.ts';

export interface OpenLoopRunnerOptions {
  port: number;
  ratePerSec: number;
  durationMs: number;
  connections: number;
  cpu: number | undefined;
}

const SCRIPT = fileURLToPath(new URL('./open-loop.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs bench/open-loop.ts in its own process (pinned like wrk, so it shares a core with the backend
 * rather than with the proxy) and returns its JSON result. Killed if it overruns by 20 s.
 */
export async function runOpenLoopProcess(
  run: OpenLoopRunnerOptions,
  cleanup: Cleanup,
): Promise<OpenLoopResult> {
  const args = [
    '--import',
    'tsx',
    SCRIPT,
    '--port',
    String(run.port),
    '--rate',
    String(run.ratePerSec),
    '--duration-ms',
    String(run.durationMs),
    '--connections',
    String(run.connections),
  ];
  const child = cleanup.spawn(process.execPath, args, {
    name: 'open-loop',
    cpu: run.cpu,
    captureStdout: true,
    cwd: REPO_ROOT,
  });
  const timer = setTimeout(() => void child.stop(500), run.durationMs + 20_000);
  const status = await child.exited;
  clearTimeout(timer);
  if (status.code !== 0) {
    throw new Error(
      `open-loop at ${run.ratePerSec} rps exited with ${status.signal ?? `code ${status.code}`}: ${child.stderrTail()}`,
    );
  }
  return JSON.parse(child.stdout()) as OpenLoopResult;
}
