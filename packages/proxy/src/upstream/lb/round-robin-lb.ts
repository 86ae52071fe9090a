import type { Host } from '../host.ts';
import { EdfScheduler } from './edf-scheduler.ts';
import { type HostPicker, hasUniformWeights } from './host-picker.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';
import { createHostBalancer } from './priority-balancer.ts';

/** Longest random skip into a weighted cycle at build time (bounds the build cost). */
const MAX_START_SKIP = 1024;

/** Equal weights: a rotating index, one increment per pick. */
export class RotatingPicker implements HostPicker {
  private readonly hosts: readonly Host[];
  private next: number;

  constructor(hosts: readonly Host[], start: number) {
    this.hosts = hosts;
    this.next = start % hosts.length;
  }

  pick(): Host | undefined {
    const host = this.hosts[this.next];
    this.next = this.next + 1 === this.hosts.length ? 0 : this.next + 1;
    return host;
  }
}

/** Unequal weights: an EDF schedule, so each cycle of sum(weights) picks is exact and interleaved. */
export class WeightedRoundRobinPicker implements HostPicker {
  private readonly hosts: readonly Host[];
  private readonly scheduler: EdfScheduler;

  constructor(hosts: readonly Host[], scheduler: EdfScheduler) {
    this.hosts = hosts;
    this.scheduler = scheduler;
  }

  pick(): Host | undefined {
    const i = this.scheduler.pick();
    return i < 0 ? undefined : this.hosts[i];
  }
}

/**
 * A round-robin picker over `hosts`, starting at a random point (as Envoy does, so that many
 * proxies do not all start on the same host).
 */
export function buildRoundRobinPicker(hosts: readonly Host[], random: () => number): HostPicker {
  if (hasUniformWeights(hosts)) return new RotatingPicker(hosts, Math.floor(random() * hosts.length));
  const scheduler = new EdfScheduler(hosts.map((h) => h.weight));
  const span = scheduler.cycleLength > 0 ? scheduler.cycleLength : hosts.length;
  scheduler.advance(Math.floor(random() * Math.min(span, MAX_START_SKIP)));
  return new WeightedRoundRobinPicker(hosts, scheduler);
}

/** ROUND_ROBIN: weighted round robin across the hosts of the chosen priority (and locality). */
export const roundRobinFactory: LoadBalancerFactory = {
  policy: 'ROUND_ROBIN',
  create(set, cluster, random, stats) {
    return createHostBalancer(set, cluster, random, (hosts) => buildRoundRobinPicker(hosts, random), stats);
  },
};
