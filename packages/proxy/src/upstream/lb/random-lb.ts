import type { Host } from '../host.ts';
import { type HostPicker, hasUniformWeights } from './host-picker.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';
import { createHostBalancer } from './priority-balancer.ts';

/** Equal weights: a uniform draw. */
export class UniformRandomPicker implements HostPicker {
  private readonly hosts: readonly Host[];
  private readonly random: () => number;

  constructor(hosts: readonly Host[], random: () => number) {
    this.hosts = hosts;
    this.random = random;
  }

  pick(): Host | undefined {
    return this.hosts[Math.floor(this.random() * this.hosts.length)];
  }
}

/** Unequal weights: a draw over cumulative weights, found by binary search. */
export class WeightedRandomPicker implements HostPicker {
  private readonly hosts: readonly Host[];
  private readonly random: () => number;
  /** cumulative[i] = sum of weights of hosts 0..i. */
  private readonly cumulative: Float64Array;

  constructor(hosts: readonly Host[], random: () => number) {
    this.hosts = hosts;
    this.random = random;
    this.cumulative = new Float64Array(hosts.length);
    let sum = 0;
    for (let i = 0; i < hosts.length; i++) this.cumulative[i] = sum += Math.max(0, hosts[i].weight);
  }

  pick(): Host | undefined {
    const c = this.cumulative;
    const x = this.random() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.hosts[lo];
  }
}

/** A random picker over `hosts`, weighted when weights differ. */
export function buildRandomPicker(hosts: readonly Host[], random: () => number): HostPicker {
  return hasUniformWeights(hosts)
    ? new UniformRandomPicker(hosts, random)
    : new WeightedRandomPicker(hosts, random);
}

/** RANDOM: a random host of the chosen priority (and locality), weighted when weights differ. */
export const randomFactory: LoadBalancerFactory = {
  policy: 'RANDOM',
  create(set, cluster, random, stats) {
    return createHostBalancer(set, cluster, random, (hosts) => buildRandomPicker(hosts, random), stats);
  },
};
