/**
 * The plumbing between `tandem up` and its children: signals to a child's process group, its
 * resident memory, and its output split into lines.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function signal(child: ChildProcess | undefined, sig: NodeJS.Signals): void {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The child leads its own process group: SIGKILL reaches whatever it started too.
    process.kill(sig === 'SIGKILL' ? -child.pid : child.pid, sig);
  } catch {}
}

/** Resident set size of a process, bytes (Linux /proc; undefined elsewhere or when it is gone). */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (pending !== '') onLine(pending);
  });
}
