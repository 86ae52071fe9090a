import type { Host } from '../host.ts';
import { createHashBalancer, type WeightedHosts } from './consistent-hash-weights.ts';
import { hashString } from './hash.ts';
import type { HostPicker } from './host-picker.ts';
import { LoadBalancerConfigError } from './lb-error.ts';
import type { LoadBalancerFactory } from './load-balancer.ts';

/** Envoy's default Maglev table size (a prime). */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;

/** Seeds of the two host-key hashes that give each host its offset and skip. */
const OFFSET_SEED = 0x9e3779b9;
const SKIP_SEED = 0x85ebca6b;

/** A Maglev lookup table: a request hash h goes to `hosts[table[h % size]]`. */
export class MaglevTable implements HostPicker {
  readonly hosts: readonly Host[];
  /** Host index of each slot. */
  readonly table: Uint32Array;
  private readonly random: () => number;

  constructor(hosts: readonly Host[], table: Uint32Array, random: () => number) {
    this.hosts = hosts;
    this.table = table;
    this.random = random;
  }

  pick(hash: number | undefined): Host | undefined {
    const slot =
      hash === undefined ? Math.floor(this.random() * this.table.length) : (hash >>> 0) % this.table.length;
    return this.hosts[this.table[slot]];
  }
}

/**
 * Fills a table of `size` slots with Maglev's permutation walk, weighted: each host walks
 * offset, offset + skip, offset + 2 * skip, ... (mod size) and claims the first free slot it
 * meets. Hosts take turns in rounds; a host claims in a round once its accumulated weight
 * reaches the largest weight, so a host of half the largest weight claims every other round
 * and every host claims in the first round.
 */
export function fillMaglevTable(keys: readonly string[], weights: Float64Array, size: number): Uint32Array {
  const n = keys.length;
  const next = new Float64Array(n);
  const skip = new Float64Array(n);
  const credit = new Float64Array(n);
  const maxWeight = weights.reduce((max, w) => Math.max(max, w), 0);
  for (let i = 0; i < n; i++) {
    next[i] = hashString(keys[i], OFFSET_SEED) % size;
    skip[i] = (hashString(keys[i], SKIP_SEED) % (size - 1)) + 1;
    credit[i] = maxWeight - weights[i];
  }
  const table = new Uint32Array(size);
  const taken = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    for (let i = 0; i < n && filled < size; i++) {
      credit[i] += weights[i];
      if (credit[i] < maxWeight) continue;
      credit[i] -= maxWeight;
      let slot = next[i];
      while (taken[slot] === 1) slot = (slot + skip[i]) % size;
      taken[slot] = 1;
      table[slot] = i;
      next[i] = (slot + skip[i]) % size;
      filled++;
    }
  }
  return table;
}

/** Whether n is prime (trial division; table sizes are at most a few million). */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/** Builds a Maglev table over weighted hosts; throws when the size is not a prime above the host count. */
export function buildMaglevTable(
  weighted: WeightedHosts,
  random: () => number,
  opts: { tableSize: number; clusterName?: string },
): MaglevTable {
  const size = opts.tableSize > 0 ? opts.tableSize : DEFAULT_MAGLEV_TABLE_SIZE;
  const where = `cluster ${opts.clusterName ?? '?'}: maglev.tableSize ${size}`;
  if (!isPrime(size)) throw new LoadBalancerConfigError(`${where} must be a prime number`);
  if (weighted.hosts.length > size) {
    throw new LoadBalancerConfigError(`${where} must exceed the ${weighted.hosts.length} hosts`);
  }
  const table = fillMaglevTable(
    weighted.hosts.map((h) => h.key),
    weighted.weights,
    size,
  );
  return new MaglevTable(weighted.hosts, table, random);
}

/** MAGLEV: consistent hashing through a weighted Maglev table per priority level. */
export const maglevFactory: LoadBalancerFactory = {
  policy: 'MAGLEV',
  create(set, cluster, random, stats) {
    const opts = { tableSize: cluster.maglev.tableSize, clusterName: cluster.name };
    return createHashBalancer(
      set,
      cluster,
      random,
      (weighted) => buildMaglevTable(weighted, random, opts),
      stats,
    );
  },
};
