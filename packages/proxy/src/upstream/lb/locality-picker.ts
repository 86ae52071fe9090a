import type { Host } from '../host.ts';
import { EdfScheduler } from './edf-scheduler.ts';
import { type HostPicker, type HostPickerBuilder, NO_HOST } from './host-picker.ts';
import type { HostSet, LocalityHosts } from './load-balancer.ts';

/**
 * A locality's share in locality-weighted LB: its weight times its availability, where
 * availability = min(1, overprovisioning factor * healthy / total). A locality with no
 * weight or no healthy host gets 0.
 */
export function effectiveLocalityWeight(locality: LocalityHosts, overprovisioningFactor: number): number {
  const total = locality.hosts.length;
  if (total === 0 || locality.weight <= 0) return 0;
  const availability = Math.min(1, (overprovisioningFactor / 100) * (locality.healthyHosts.length / total));
  return locality.weight * availability;
}

/**
 * Picks a locality by effective weight on a deterministic weighted schedule, then a host
 * within it with the policy's own picker over that locality's healthy hosts.
 */
export class LocalityPicker implements HostPicker {
  private readonly scheduler: EdfScheduler;
  private readonly pickers: readonly HostPicker[];

  constructor(scheduler: EdfScheduler, pickers: readonly HostPicker[]) {
    this.scheduler = scheduler;
    this.pickers = pickers;
  }

  pick(hash: number | undefined): Host | undefined {
    const i = this.scheduler.pick();
    return i < 0 ? undefined : this.pickers[i].pick(hash);
  }
}

/**
 * A locality picker for one priority level, or undefined when no locality has an effective
 * weight (the caller then balances across the level's healthy hosts, as Envoy does).
 */
export function buildLocalityPicker(
  hostSet: HostSet,
  overprovisioningFactor: number,
  build: HostPickerBuilder,
): LocalityPicker | undefined {
  const weights = hostSet.localities.map((l) => effectiveLocalityWeight(l, overprovisioningFactor));
  if (!weights.some((w) => w > 0)) return undefined;
  const pickers = hostSet.localities.map((l, i) => (weights[i] > 0 ? build(l.healthyHosts) : NO_HOST));
  return new LocalityPicker(new EdfScheduler(weights), pickers);
}
