import type { ClusterLoadAssignment, Locality } from '@tandem/api/envoy';
import type { Host } from '../host.ts';
import type { HostSet, LocalityHosts, PrioritySet } from './load-balancer.ts';

/** Envoy's default overprovisioning factor, in percent. */
export const DEFAULT_OVERPROVISIONING_FACTOR = 140;

/** A stable text key for a locality: `region/zone/subZone`, or '' when unset or empty. */
export function localityKey(locality: Locality | undefined): string {
  if (!locality || (!locality.region && !locality.zone && !locality.subZone)) return '';
  return `${locality.region}/${locality.zone}/${locality.subZone}`;
}

/** The key `buildPrioritySet` looks locality weights up by: priority plus locality. */
export function localityWeightKey(priority: number, locality: Locality | undefined): string {
  return `${priority}|${localityKey(locality)}`;
}

/** Locality weights of an assignment, keyed as `buildPrioritySet` expects. */
export function localityWeightsOf(assignment: ClusterLoadAssignment): Map<string, number> {
  const weights = new Map<string, number>();
  for (const group of assignment.endpoints) {
    weights.set(localityWeightKey(group.priority, group.locality), group.loadBalancingWeight);
  }
  return weights;
}

/**
 * Groups hosts by priority (index = priority; missing levels are empty) and, within a level,
 * by locality in order of first appearance. `healthyHosts` are those with `host.healthy` at
 * build time: the set is a snapshot, rebuilt when health changes.
 *
 * @param overprovisioningFactor percent, e.g. 140 for Envoy's default 1.4
 * @param localityWeights keyed by `localityWeightKey` (see `localityWeightsOf`); absent = 0
 */
export function buildPrioritySet(
  hosts: readonly Host[],
  overprovisioningFactor = DEFAULT_OVERPROVISIONING_FACTOR,
  localityWeights?: ReadonlyMap<string, number>,
): PrioritySet {
  const byPriority: Host[][] = [];
  for (const host of hosts) {
    while (byPriority.length <= host.priority) byPriority.push([]);
    byPriority[host.priority].push(host);
  }
  const hostSets = byPriority.map((level, priority) => buildHostSet(priority, level, localityWeights));
  return { hostSets, overprovisioningFactor };
}

function buildHostSet(
  priority: number,
  hosts: readonly Host[],
  localityWeights: ReadonlyMap<string, number> | undefined,
): HostSet {
  const groups = new Map<string, { locality: Locality | undefined; hosts: Host[] }>();
  for (const host of hosts) {
    const key = localityKey(host.locality);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { locality: host.locality, hosts: [] }));
    group.hosts.push(host);
  }
  const localities: LocalityHosts[] = [];
  for (const group of groups.values()) {
    localities.push({
      locality: group.locality,
      weight: localityWeights?.get(localityWeightKey(priority, group.locality)) ?? 0,
      hosts: group.hosts,
      healthyHosts: group.hosts.filter((h) => h.healthy),
    });
  }
  return { priority, hosts, healthyHosts: hosts.filter((h) => h.healthy), localities };
}
