import type { Cluster } from '@tandem/api/envoy';
import type { Host } from '../host.ts';
import { type HostPicker, type HostPickerBuilder, NO_HOST } from './host-picker.ts';
import type { LbContext, LbStats, LoadBalancer, PrioritySet } from './load-balancer.ts';
import { buildLocalityPicker } from './locality-picker.ts';
import { choosePriority, computePriorityLoad, type PriorityLoad } from './priority-load.ts';

/**
 * The balancer every policy shares: choose a priority level from the priority load, then ask
 * that level's picker (built by the policy) for a host. A request with a hash picks its level
 * from the hash when `hashSelectsPriority` is set, so one key stays on one level.
 */
export class PriorityBalancer implements LoadBalancer {
  readonly load: PriorityLoad;
  private readonly pickers: readonly HostPicker[];
  private readonly random: () => number;
  private readonly hashSelectsPriority: boolean;
  private readonly stats: LbStats | undefined;

  constructor(
    load: PriorityLoad,
    pickers: readonly HostPicker[],
    random: () => number,
    opts: { hashSelectsPriority: boolean; stats?: LbStats | undefined },
  ) {
    this.load = load;
    this.pickers = pickers;
    this.random = random;
    this.hashSelectsPriority = opts.hashSelectsPriority;
    this.stats = opts.stats;
  }

  chooseHost(ctx: LbContext | undefined): Host | undefined {
    const hash = ctx === undefined ? undefined : ctx.hash;
    const r = hash !== undefined && this.hashSelectsPriority ? ((hash >>> 0) % 100) / 100 : this.random();
    const priority = choosePriority(this.load, r);
    if (this.load.panic[priority] && this.stats !== undefined) this.stats.healthyPanic.inc();
    return this.pickers[priority].pick(hash);
  }
}

/**
 * One picker per priority level for per-host policies (round robin, least request, random):
 * all hosts of a level in panic; else, with locality-weighted LB, a locality picker; else the
 * level's healthy hosts.
 */
export function buildLevelPickers(
  set: PrioritySet,
  load: PriorityLoad,
  localityWeighted: boolean,
  build: HostPickerBuilder,
): HostPicker[] {
  return set.hostSets.map((hostSet, priority) => {
    if (load.panic[priority]) return buildOrEmpty(hostSet.hosts, build);
    if (localityWeighted) {
      const byLocality = buildLocalityPicker(hostSet, set.overprovisioningFactor, build);
      if (byLocality) return byLocality;
    }
    return buildOrEmpty(hostSet.healthyHosts, build);
  });
}

function buildOrEmpty(hosts: readonly Host[], build: HostPickerBuilder): HostPicker {
  return hosts.length === 0 ? NO_HOST : build(hosts);
}

/** Builds a `PriorityBalancer` for a per-host policy from its picker builder. */
export function createHostBalancer(
  set: PrioritySet,
  cluster: Cluster,
  random: () => number,
  build: HostPickerBuilder,
  stats?: LbStats,
): PriorityBalancer {
  const load = computePriorityLoad(set, cluster.healthyPanicThresholdPercent);
  const pickers = buildLevelPickers(set, load, cluster.localityWeightedLb, build);
  if (pickers.length === 0) pickers.push(NO_HOST);
  return new PriorityBalancer(load, pickers, random, { hashSelectsPriority: false, stats });
}
