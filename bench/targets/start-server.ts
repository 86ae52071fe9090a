import { readFileSync } from 'node:fs';
import { httpGet } from '../net/http-probe.ts';
import { waitUntil } from '../net/wait-until.ts';
import type { ManagedProcess } from '../proc/managed-process.ts';
import type { RunningTarget, TargetContext } from './target.ts';

/** The body the backend serves; every target must return it unchanged. */
export const BACKEND_BODY = 'hello world\n';

export interface ServerLaunch {
  what: string;
  process: ManagedProcess;
  /** Port that load goes to. */
  port: number;
  /** Temp dir holding config and logs, removed on stop. */
  dir: string;
  /** A log file to quote if start-up fails (nginx error.log). */
  errorLog?: string;
  /** Extra readiness signal tried alongside the end-to-end GET (e.g. Tandem's admin /ready). */
  extraReady?: () => Promise<boolean>;
  /** False for a listener a plaintext GET cannot reach (mutual TLS): only `extraReady` is used. */
  probe?: boolean;
}

/**
 * Waits until a GET through `port` returns the backend's 200 and body (or `extraReady` says ready,
 * after which the GET must still succeed), then returns the running target. If the process exits or
 * the deadline passes, stops it and throws an error that quotes its stderr or error log.
 */
export async function awaitServer(launch: ServerLaunch, context: TargetContext): Promise<RunningTarget> {
  const { process: child, port } = launch;
  const stop = async (): Promise<void> => {
    await child.stop();
    context.cleanup.removeDir(launch.dir);
  };
  const abortReason = (): string | undefined =>
    child.running ? undefined : `exited (${describeExit(child)})`;
  try {
    const probe = launch.probe !== false;
    const ready = async (): Promise<boolean> =>
      (probe && (await succeeds(() => endToEndOk(port)))) || (await succeeds(launch.extraReady));
    await waitUntil(ready, { what: launch.what, timeoutMs: context.readyTimeoutMs, abortReason });
    if (probe)
      await waitUntil(() => verifyResponse(port, launch.what), {
        what: launch.what,
        timeoutMs: 3_000,
        abortReason,
      });
  } catch (error) {
    const detail = diagnostics(launch);
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(detail ? `${message}\n${detail}` : message);
  }
  return { port, pids: () => child.pids(), stop };
}

async function endToEndOk(port: number): Promise<boolean> {
  const response = await httpGet(port, '/');
  return response.status === 200;
}

/** True when GET / through the target returns the backend's exact response; throws what it got otherwise. */
async function verifyResponse(port: number, what: string): Promise<boolean> {
  const response = await httpGet(port, '/', 3_000);
  if (response.status !== 200 || response.body !== BACKEND_BODY) {
    throw new Error(
      `${what}: GET / returned ${response.status} ${JSON.stringify(response.body.slice(0, 80))}`,
    );
  }
  return true;
}

async function succeeds(check: (() => Promise<boolean>) | undefined): Promise<boolean> {
  if (!check) return false;
  try {
    return await check();
  } catch {
    return false;
  }
}

function describeExit(child: ManagedProcess): string {
  const status = child.status;
  if (!status) return 'still running';
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

function diagnostics(launch: ServerLaunch): string {
  const parts: string[] = [];
  const stderr = launch.process.stderrTail();
  if (stderr) parts.push(`  stderr: ${indent(stderr)}`);
  if (launch.errorLog) {
    try {
      const log = readFileSync(launch.errorLog, 'utf8').trim().slice(-2_000);
      if (log) parts.push(`  ${launch.errorLog}: ${indent(log)}`);
    } catch {
      // No log written.
    }
  }
  return parts.join('\n');
}

function indent(text: string): string {
  return text.split('\n').join('\n    ');
}
