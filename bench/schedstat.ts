import { readdirSync, readFileSync } from 'node:fs';

/** One thread's scheduler accounting from /proc/<pid>/task/<tid>/schedstat, in nanoseconds. */
export interface ThreadTimes {
  /** First field: time spent running on a CPU. */
  onCpuNs: number;
  /** Second field: time spent runnable but waiting on a run queue (another task had the CPU). */
  waitNs: number;
}

/** Scheduler accounting per thread, keyed "pid/tid". */
export type CpuSample = Map<string, ThreadTimes>;

/**
 * Reads /proc/<pid>/task/<tid>/schedstat for every thread of every given process. Threads or
 * processes that vanish while reading are skipped.
 */
export function readCpuSample(pids: readonly number[]): CpuSample {
  const sample: CpuSample = new Map();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const times = readThreadTimes(pid, tid);
      if (times) sample.set(`${pid}/${tid}`, times);
    }
  }
  return sample;
}

/**
 * Time spent between two samples, summed over threads: for each thread alive at the end, its time
 * minus its time at the start (0 if it did not exist then). Time of threads that exited in between
 * is lost.
 */
export function cpuDelta(before: CpuSample, after: CpuSample): ThreadTimes {
  let onCpuNs = 0;
  let waitNs = 0;
  for (const [key, times] of after) {
    const start = before.get(key);
    onCpuNs += Math.max(0, times.onCpuNs - (start?.onCpuNs ?? 0));
    waitNs += Math.max(0, times.waitNs - (start?.waitNs ?? 0));
  }
  return { onCpuNs, waitNs };
}

/** True when this kernel exposes per-thread schedstat with run times (CONFIG_SCHED_INFO). */
export function hasSchedstat(): boolean {
  return readThreadTimes(process.pid, String(process.pid)) !== undefined;
}

function readThreadTimes(pid: number, tid: string): ThreadTimes | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
  } catch {
    return undefined;
  }
  const [onCpu, wait] = text.trim().split(' ').map(Number);
  return Number.isFinite(onCpu) && Number.isFinite(wait) ? { onCpuNs: onCpu, waitNs: wait } : undefined;
}
