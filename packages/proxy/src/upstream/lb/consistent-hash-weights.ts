import type { Cluster } from '@tandem/api/envoy';
import type { Host } from '../host.ts';
import { type HostPicker, NO_HOST } from './host-picker.ts';
import type { HostSet, LbStats, PrioritySet } from './load-balancer.ts';
import { PriorityBalancer } from './priority-balancer.ts';
import { computePriorityLoad } from './priority-load.ts';

/** Hosts of one level with their weights normalized to sum to 1 (zero-weight hosts left out). */
export interface WeightedHosts {
  readonly hosts: readonly Host[];
  readonly weights: Float64Array;
}

/** Builds a consistent-hashing structure (ring, Maglev table) over weighted hosts. */
export type WeightedPickerBuilder = (hosts: WeightedHosts) => HostPicker;

/**
 * The hosts a consistent-hashing balancer places for one level: healthy hosts, or all hosts in
 * panic. With locality-weighted LB each host's share is its locality's share of the locality
 * weights times its own share of its locality's host weights; localities without weight are
 * left out (and if none has weight, host weights alone are used).
 */
export function consistentHashWeights(
  hostSet: HostSet,
  panic: boolean,
  localityWeighted: boolean,
): WeightedHosts {
  if (localityWeighted) {
    const byLocality = localityShares(hostSet, panic);
    if (byLocality) return byLocality;
  }
  const source = panic ? hostSet.hosts : hostSet.healthyHosts;
  return normalize(source.filter((h) => h.weight > 0).map((h) => [h, h.weight] as const));
}

function localityShares(hostSet: HostSet, panic: boolean): WeightedHosts | undefined {
  const groups = hostSet.localities
    .map((l) => ({ weight: l.weight, hosts: (panic ? l.hosts : l.healthyHosts).filter((h) => h.weight > 0) }))
    .filter((g) => g.weight > 0 && g.hosts.length > 0);
  if (groups.length === 0) return undefined;
  const entries: (readonly [Host, number])[] = [];
  for (const group of groups) {
    const hostWeightSum = group.hosts.reduce((sum, h) => sum + h.weight, 0);
    for (const host of group.hosts) entries.push([host, (group.weight * host.weight) / hostWeightSum]);
  }
  return normalize(entries);
}

function normalize(entries: readonly (readonly [Host, number])[]): WeightedHosts {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return {
    hosts: entries.map(([h]) => h),
    weights: Float64Array.from(entries, ([, w]) => w / total),
  };
}

/**
 * Builds a `PriorityBalancer` for a consistent-hashing policy: one structure per level, and
 * the level chosen from the request hash so one key always lands on the same level.
 */
export function createHashBalancer(
  set: PrioritySet,
  cluster: Cluster,
  random: () => number,
  build: WeightedPickerBuilder,
  stats?: LbStats,
): PriorityBalancer {
  const load = computePriorityLoad(set, cluster.healthyPanicThresholdPercent);
  const pickers = set.hostSets.map((hostSet, priority) => {
    const weighted = consistentHashWeights(hostSet, load.panic[priority], cluster.localityWeightedLb);
    return weighted.hosts.length === 0 ? NO_HOST : build(weighted);
  });
  if (pickers.length === 0) pickers.push(NO_HOST);
  return new PriorityBalancer(load, pickers, random, { hashSelectsPriority: true, stats });
}
