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
 * Resident memory of a process, bytes (Linux /proc; undefined elsewhere or when it is gone): the RSS,
 * and its private (anonymous) part. The rest is file pages, mostly the node binary, which every
 * sidecar maps and shares.
 */
export function memoryOf(pid: number | undefined): SidecarMemory | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const anon = /^RssAnon:\s+(\d+) kB/m.exec(status);
    if (!rss) return undefined;
    return { rss: Number(rss[1]) * 1024, private: anon ? Number(anon[1]) * 1024 : undefined };
  } catch {
    return undefined;
  }
}

export interface SidecarMemory {
  rss: number;
  private: number | undefined;
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
