import { readFileSync } from 'node:fs';

export interface MemorySample {
  /** Sum of VmRSS over the processes, in KiB. */
  rssKb: number;
  /** Sum of VmHWM (each process's own peak RSS) over the processes, in KiB. */
  peakRssKb: number;
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status for each process and sums them. */
export function readMemory(pids: readonly number[]): MemorySample {
  let rssKb = 0;
  let peakRssKb = 0;
  for (const pid of pids) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    rssKb += statusField(status, 'VmRSS');
    peakRssKb += statusField(status, 'VmHWM');
  }
  return { rssKb, peakRssKb };
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}
