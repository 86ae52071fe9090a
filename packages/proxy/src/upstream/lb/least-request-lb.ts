import type { Host } from '../host.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { type HostPicker, hasUniformWeights } from './host-picker.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';
import { createHostBalancer } from './priority-balancer.ts';

/** Envoy's defaults: two random choices; effective weight divided by (active + 1)^1.0. */
export const DEFAULT_CHOICE_COUNT = 2;
export const DEFAULT_ACTIVE_REQUEST_BIAS = 1;

/**
 * Equal weights: sample `choiceCount` hosts at random (with replacement) and take the one
 * with the fewest active requests; the first sample wins ties.
 */
export class ChoicesPicker implements HostPicker {
  private readonly hosts: readonly Host[];
  private readonly choiceCount: number;
  private readonly random: () => number;

  constructor(hosts: readonly Host[], choiceCount: number, random: () => number) {
    this.hosts = hosts;
    this.choiceCount = choiceCount;
    this.random = random;
  }

  pick(): Host | undefined {
    const n = this.hosts.length;
    let best = this.hosts[Math.floor(this.random() * n)];
    for (let c = 1; c < this.choiceCount; c++) {
      const sample = this.hosts[Math.floor(this.random() * n)];
      if (sample.activeRequests < best.activeRequests) best = sample;
    }
    return best;
  }
}

/**
 * Unequal weights: an EDF schedule whose weights are re-read at each pick. The picked host
 * is due again after 1 / (weight / (activeRequests + 1)^bias), so busy hosts come round less
 * often but never drop out.
 */
export class WeightedLeastRequestPicker implements HostPicker {
  private readonly hosts: readonly Host[];
  private readonly bias: number;
  private readonly heap: DeadlineHeap;

  constructor(hosts: readonly Host[], bias: number) {
    this.hosts = hosts;
    this.bias = bias;
    const deadlines = new Float64Array(hosts.length);
    for (let i = 0; i < hosts.length; i++) deadlines[i] = 0.5 / this.effectiveWeight(hosts[i]);
    this.heap = new DeadlineHeap(deadlines);
  }

  pick(): Host | undefined {
    const i = this.heap.top();
    if (i < 0) return undefined;
    const host = this.hosts[i];
    this.heap.updateTop(this.heap.deadlines[i] + 1 / this.effectiveWeight(host));
    return host;
  }

  /** weight / (activeRequests + 1)^bias; bias 0 is plain weighted round robin. */
  effectiveWeight(host: Host): number {
    if (this.bias === 0) return host.weight;
    const load = host.activeRequests + 1;
    return host.weight / (this.bias === 1 ? load : load ** this.bias);
  }
}

/** A least-request picker over `hosts`: power of choices, or dynamic-weight EDF. */
export function buildLeastRequestPicker(
  hosts: readonly Host[],
  random: () => number,
  opts: { choiceCount: number; activeRequestBias: number },
): HostPicker {
  if (hasUniformWeights(hosts)) return new ChoicesPicker(hosts, opts.choiceCount, random);
  const picker = new WeightedLeastRequestPicker(hosts, opts.activeRequestBias);
  const skip = Math.floor(random() * hosts.length);
  for (let i = 0; i < skip; i++) picker.pick();
  return picker;
}

/** LEAST_REQUEST: fewest active requests among random choices, or load-scaled weighted EDF. */
export const leastRequestFactory: LoadBalancerFactory = {
  policy: 'LEAST_REQUEST',
  create(set, cluster, random, stats) {
    const opts = {
      choiceCount:
        cluster.leastRequest.choiceCount >= 1 ? cluster.leastRequest.choiceCount : DEFAULT_CHOICE_COUNT,
      activeRequestBias: Math.max(0, cluster.leastRequest.activeRequestBias ?? DEFAULT_ACTIVE_REQUEST_BIAS),
    };
    return createHostBalancer(
      set,
      cluster,
      random,
      (hosts) => buildLeastRequestPicker(hosts, random, opts),
      stats,
    );
  },
};
