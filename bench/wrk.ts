import type { Cleanup } from './proc/cleanup.ts';

export interface WrkResult {
  requests: number;
  elapsedSec: number;
  requestsPerSec: number;
  /** wrk's latency percentiles (closed loop, so they reflect queueing at max load), in µs. */
  latencyUs: { p50: number; p75: number; p90: number; p99: number };
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  errors: number;
}

export interface WrkRun {
  wrk: string;
  port: number;
  durationSec: number;
  connections: number;
  cpu: number | undefined;
}

/**
 * Runs `wrk -t1 -c<connections> -d<duration>s --latency` against 127.0.0.1:<port> and parses its
 * report. Bounded: killed if it has not finished 15 s after its duration.
 */
export async function runWrk(run: WrkRun, cleanup: Cleanup): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${run.connections}`,
    `-d${run.durationSec}s`,
    '--latency',
    `http://127.0.0.1:${run.port}/`,
  ];
  const child = cleanup.spawn(run.wrk, args, { name: 'wrk', cpu: run.cpu, captureStdout: true });
  const timer = setTimeout(() => void child.stop(500), (run.durationSec + 15) * 1_000);
  const status = await child.exited;
  clearTimeout(timer);
  if (status.code !== 0) {
    throw new Error(
      `wrk exited with ${status.signal ?? `code ${status.code}`}: ${child.stderrTail() || child.stdout()}`,
    );
  }
  return parseWrkOutput(child.stdout());
}

/** Parses wrk 4.x text output (with --latency). Throws naming the line it could not find. */
export function parseWrkOutput(text: string): WrkResult {
  const total = match(text, /(\d+) requests in ([\d.]+)(us|ms|s|m)\b/, 'N requests in T');
  const rps = match(text, /Requests\/sec:\s+([\d.]+)/, 'Requests/sec');
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1, 5).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requests: Number(total[1]),
    elapsedSec: toMicros(total[2], total[3]) / 1e6,
    requestsPerSec: Number(rps[1]),
    latencyUs: {
      p50: percentile(text, '50'),
      p75: percentile(text, '75'),
      p90: percentile(text, '90'),
      p99: percentile(text, '99'),
    },
    errors: (non2xx ? Number(non2xx[1]) : 0) + socketErrors,
  };
}

function percentile(text: string, p: string): number {
  const found = match(text, new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'), `${p}% latency`);
  return toMicros(found[1], found[2]);
}

function toMicros(value: string, unit: string): number {
  const scale: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 60e6 };
  return Number(value) * scale[unit];
}

function match(text: string, pattern: RegExp, what: string): RegExpExecArray {
  const found = pattern.exec(text);
  if (!found) throw new Error(`wrk output: no "${what}" line in:\n${text}`);
  return found;
}
