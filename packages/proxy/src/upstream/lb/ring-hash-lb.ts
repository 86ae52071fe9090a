import type { Host } from '../host.ts';
import { createHashBalancer, type WeightedHosts } from './consistent-hash-weights.ts';
import { hashString } from './hash.ts';
import type { HostPicker } from './host-picker.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';

/** Envoy's defaults and limit for the ring size. */
export const DEFAULT_MIN_RING_SIZE = 1024;
export const DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;

/** Ring entries pack (hash, host index) into one double for a fast typed-array sort. */
const INDEX_BITS = 2 ** 21;

/**
 * A ketama-style hash ring: each host is placed at the hashes of `${host.key}_${i}` for
 * i = 0, 1, ..., a number of times proportional to its weight. A request goes to the first
 * entry at or after its hash, wrapping around; without a hash, to a random point.
 */
export class HashRing implements HostPicker {
  readonly hosts: readonly Host[];
  /** Entry hashes, ascending. */
  readonly hashes: Uint32Array;
  /** Host index of each entry. */
  readonly owners: Uint32Array;
  private readonly random: () => number;

  constructor(hosts: readonly Host[], hashes: Uint32Array, owners: Uint32Array, random: () => number) {
    this.hosts = hosts;
    this.hashes = hashes;
    this.owners = owners;
    this.random = random;
  }

  pick(hash: number | undefined): Host | undefined {
    const h = hash === undefined ? Math.floor(this.random() * 4294967296) : hash >>> 0;
    const hashes = this.hashes;
    let lo = 0;
    let hi = hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return this.hosts[this.owners[lo === hashes.length ? 0 : lo]];
  }
}

/**
 * How many entries each host gets, as Envoy sizes its ring: scale the normalized weights so
 * that the lightest host gets a whole number of entries with at least `minSize` in total,
 * capped at `maxSize`. Running sums spread the fractional parts across hosts.
 */
export function ringEntryCounts(weights: Float64Array, minSize: number, maxSize: number): Uint32Array {
  const minWeight = weights.reduce((min, w) => Math.min(min, w), Number.POSITIVE_INFINITY);
  const scale = Math.min(Math.ceil(minWeight * minSize) / minWeight, maxSize);
  const counts = new Uint32Array(weights.length);
  let target = 0;
  let placed = 0;
  for (let i = 0; i < weights.length; i++) {
    target += scale * weights[i];
    // The tolerance keeps float noise in the running sum from adding a stray entry.
    const upTo = Math.min(Math.ceil(target - scale * 1e-12), Math.ceil(scale));
    counts[i] = Math.max(0, upTo - placed);
    placed += counts[i];
  }
  return counts;
}

/** Builds the ring for weighted hosts. */
export function buildHashRing(
  weighted: WeightedHosts,
  random: () => number,
  opts: { minimumRingSize: number; maximumRingSize: number },
): HashRing {
  const { hosts, weights } = weighted;
  const maxSize = Math.min(
    opts.maximumRingSize > 0 ? opts.maximumRingSize : DEFAULT_MAX_RING_SIZE,
    DEFAULT_MAX_RING_SIZE,
  );
  const minSize = Math.min(opts.minimumRingSize > 0 ? opts.minimumRingSize : DEFAULT_MIN_RING_SIZE, maxSize);
  if (hosts.length >= INDEX_BITS)
    throw new Error(`ring hash: ${hosts.length} hosts exceed ${INDEX_BITS - 1}`);
  const counts = ringEntryCounts(weights, minSize, maxSize);
  const packed = new Float64Array(counts.reduce((sum, c) => sum + c, 0));
  let n = 0;
  for (let i = 0; i < hosts.length; i++) {
    for (let k = 0; k < counts[i]; k++) packed[n++] = hashString(`${hosts[i].key}_${k}`) * INDEX_BITS + i;
  }
  packed.sort();
  const hashes = new Uint32Array(packed.length);
  const owners = new Uint32Array(packed.length);
  for (let e = 0; e < packed.length; e++) {
    owners[e] = packed[e] % INDEX_BITS;
    hashes[e] = (packed[e] - owners[e]) / INDEX_BITS;
  }
  return new HashRing(hosts, hashes, owners, random);
}

/** RING_HASH: consistent hashing on a ketama ring per priority level. */
export const ringHashFactory: LoadBalancerFactory = {
  policy: 'RING_HASH',
  create(set, cluster, random, stats) {
    return createHashBalancer(
      set,
      cluster,
      random,
      (weighted) => buildHashRing(weighted, random, cluster.ringHash),
      stats,
    );
  },
};
