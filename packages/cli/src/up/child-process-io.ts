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

/**
 * Memory of a process, bytes (Linux /proc; undefined elsewhere or when it is gone): its RSS, and its
 * proportional share (PSS): private pages in full, shared ones (the node binary, mapped by every
 * sidecar) divided among the processes that map them. PSS is what one more sidecar costs.
 */
export function memoryOf(pid: number | undefined): SidecarMemory | undefined {
  if (pid === undefined) return undefined;
  const kB = (text: string, field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  try {
    const rss = kB(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
    if (rss === undefined) return undefined;
    let pss: number | undefined;
    try {
      pss = kB(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
    } catch {}
    return { rss, pss };
  } catch {
    return undefined;
  }
}

export interface SidecarMemory {
  rss: number;
  /** Proportional set size; undefined where the kernel does not report it. */
  pss: number | undefined;
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
