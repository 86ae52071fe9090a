import { readFileSync } from 'node:fs';
import { sleep } from './managed-process.ts';

/**
 * How busy the whole machine is, in CPUs (1.0 = one core fully used), measured from /proc/stat over
 * `windowMs`. Sampled before the bench starts: anything else running makes results noisy.
 */
export async function machineBusyCpus(windowMs = 1_000): Promise<number> {
  const before = readTotals();
  await sleep(windowMs);
  const after = readTotals();
  const elapsed = after.total - before.total;
  if (elapsed <= 0) return 0;
  const cpus = after.cpus;
  return ((elapsed - (after.idle - before.idle)) / elapsed) * cpus;
}

function readTotals(): { total: number; idle: number; cpus: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const fields = lines[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle time is idle + iowait.
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const cpus = lines.filter((line) => /^cpu\d/.test(line)).length;
  return { total, idle: fields[3] + fields[4], cpus };
}
