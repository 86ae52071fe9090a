import type { Cluster, Locality } from '@tandem/api/envoy';
import type { Host } from '../host.ts';

/** The hosts of one locality within one priority level, with the locality's weight (0 when unset). */
export interface LocalityHosts {
  readonly locality: Locality | undefined;
  readonly weight: number;
  readonly hosts: readonly Host[];
  readonly healthyHosts: readonly Host[];
}

/**
 * The hosts of one priority level. `hosts` is every host; `healthyHosts` the subset a load
 * balancer may pick in normal operation. Locality groups are kept for locality-weighted LB.
 */
export interface HostSet {
  readonly priority: number;
  readonly hosts: readonly Host[];
  readonly healthyHosts: readonly Host[];
  /** Hosts grouped by locality, in order of first appearance. */
  readonly localities: readonly LocalityHosts[];
}

/** All priority levels of a cluster; index = priority. Replaced wholesale on update. */
export interface PrioritySet {
  readonly hostSets: readonly HostSet[];
  /** Percent, default 140 (Envoy's overprovisioning factor). */
  readonly overprovisioningFactor: number;
}

/** What a request offers a load balancer: a hash for consistent-hashing policies. */
export interface LbContext {
  /** Unsigned 32-bit hash from the route's hash policy; undefined when none applies. */
  hash: number | undefined;
  /** Where the downstream connection was originally headed (ORIGINAL_DST clusters). */
  destination?: { address: string; port: number };
}

export interface LoadBalancer {
  /** Picks a host for one request, or undefined when no host is available. */
  chooseHost(ctx: LbContext | undefined): Host | undefined;
}

/** Counters a balancer bumps (Envoy's `lb_*` cluster stats); `Counter` from stats.ts fits. */
export interface LbStats {
  /** Picks made from a priority level in panic mode (Envoy: `lb_healthy_panic`). */
  readonly healthyPanic: { inc(): void };
}

/** Registered by LB policy name (STYLE rule 5). */
export interface LoadBalancerFactory {
  readonly policy: Cluster['lbPolicy'];
  /**
   * Builds a balancer over one snapshot of the priority set; rebuilt when the set changes
   * (hosts, health or weights). `random` returns a float in [0, 1).
   */
  create(set: PrioritySet, cluster: Cluster, random: () => number, stats?: LbStats): LoadBalancer;
}
