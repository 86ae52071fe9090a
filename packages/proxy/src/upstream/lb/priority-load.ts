import type { HostSet, PrioritySet } from './load-balancer.ts';

/**
 * How traffic splits across priority levels, computed once per priority-set snapshot with
 * Envoy's arithmetic (integer percents):
 * - health of a level = min(100, floor(overprovisioning% * healthy / total));
 * - normalized total health = min(100, sum of level healths);
 * - level i takes min(remaining, floor(health_i * 100 / normalized total)), first level first;
 *   rounding leftovers go to the first level with any health;
 * - when no level has any health, load follows host counts instead (total panic);
 * - a level is in panic when normalized total health < 100 and its healthy percentage is below
 *   the panic threshold; a balancer then picks among all of its hosts, healthy or not.
 */
export interface PriorityLoad {
  /** Percent of traffic per level; sums to 100. */
  readonly load: readonly number[];
  /** Health score per level, 0-100. */
  readonly health: readonly number[];
  /** Whether each level is in panic mode. */
  readonly panic: readonly boolean[];
  /** Level i is chosen for r in [thresholds[i-1], thresholds[i]); last entry is 1. */
  readonly thresholds: Float64Array;
  /** The last level with non-zero load (where rounding at r near 1 lands). */
  readonly lastLoaded: number;
}

/** A level's health score (0-100): healthy share times the overprovisioning factor, capped. */
export function priorityHealth(hostSet: HostSet, overprovisioningFactor: number): number {
  const total = hostSet.hosts.length;
  if (total === 0) return 0;
  return Math.min(100, Math.floor((overprovisioningFactor * hostSet.healthyHosts.length) / total));
}

/** Whether a level's healthy percentage is below the panic threshold (0 disables panic). */
export function isInPanic(hostSet: HostSet, panicThresholdPercent: number): boolean {
  const total = hostSet.hosts.length;
  const healthyPercent = total === 0 ? 0 : (100 * hostSet.healthyHosts.length) / total;
  return healthyPercent < panicThresholdPercent;
}

/** Computes the priority load and panic flags of a priority set. */
export function computePriorityLoad(set: PrioritySet, panicThresholdPercent: number): PriorityLoad {
  const levels = Math.max(1, set.hostSets.length);
  const health = new Array<number>(levels).fill(0);
  let healthSum = 0;
  set.hostSets.forEach((hs, i) => {
    health[i] = priorityHealth(hs, set.overprovisioningFactor);
    healthSum += health[i];
  });
  const normalizedTotal = Math.min(100, healthSum);
  const load =
    normalizedTotal === 0 ? distributeByHostCount(set, levels) : distributeByHealth(health, normalizedTotal);
  const panic = health.map(
    (_, i) => normalizedTotal < 100 && isInPanic(set.hostSets[i] ?? EMPTY_SET, panicThresholdPercent),
  );
  return { load, health, panic, ...cumulative(load) };
}

const EMPTY_SET: HostSet = { priority: 0, hosts: [], healthyHosts: [], localities: [] };

function distributeByHealth(health: readonly number[], normalizedTotal: number): number[] {
  const load = new Array<number>(health.length).fill(0);
  let remaining = 100;
  let firstHealthy = -1;
  for (let i = 0; i < health.length; i++) {
    load[i] = Math.min(remaining, Math.floor((health[i] * 100) / normalizedTotal));
    remaining -= load[i];
    if (firstHealthy < 0 && health[i] > 0) firstHealthy = i;
  }
  load[firstHealthy] += remaining;
  return load;
}

function distributeByHostCount(set: PrioritySet, levels: number): number[] {
  const load = new Array<number>(levels).fill(0);
  const total = set.hostSets.reduce((sum, hs) => sum + hs.hosts.length, 0);
  if (total === 0) {
    load[0] = 100;
    return load;
  }
  let remaining = 100;
  let firstNonEmpty = -1;
  set.hostSets.forEach((hs, i) => {
    load[i] = Math.floor((100 * hs.hosts.length) / total);
    remaining -= load[i];
    if (firstNonEmpty < 0 && hs.hosts.length > 0) firstNonEmpty = i;
  });
  load[firstNonEmpty] += remaining;
  return load;
}

function cumulative(load: readonly number[]): { thresholds: Float64Array; lastLoaded: number } {
  const thresholds = new Float64Array(load.length);
  let sum = 0;
  let lastLoaded = 0;
  for (let i = 0; i < load.length; i++) {
    sum += load[i];
    // sum / 100 (not a running float sum) so that r = k / 100 compares exactly.
    thresholds[i] = sum / 100;
    if (load[i] > 0) lastLoaded = i;
  }
  return { thresholds, lastLoaded };
}

/**
 * Picks a priority level for a number r in [0, 1): a random draw, or `(hash % 100) / 100` for
 * consistent-hashing balancers so that one key always lands on the same level.
 */
export function choosePriority(load: PriorityLoad, r: number): number {
  const thresholds = load.thresholds;
  for (let i = 0; i < thresholds.length; i++) {
    if (r < thresholds[i]) return i;
  }
  return load.lastLoaded;
}
