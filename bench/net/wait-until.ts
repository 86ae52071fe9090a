import { sleep } from '../proc/managed-process.ts';

export interface WaitOptions {
  /** What is being waited for, for the timeout message ("haproxy listener 127.0.0.1:4100"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before each attempt: a message here stops the wait (e.g. "process exited with code 1"). */
  abortReason?: () => string | undefined;
}

/**
 * Calls `attempt` until it resolves true, the deadline passes, or `abortReason` reports a reason.
 * Errors thrown by `attempt` count as "not yet" (connection refused while a server starts).
 */
export async function waitUntil(attempt: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    const reason = options.abortReason?.();
    if (reason) throw new Error(`${options.what}: ${reason}`);
    try {
      if (await attempt()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${lastError})` : '';
      throw new Error(`${options.what}: not ready after ${options.timeoutMs} ms${detail}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
