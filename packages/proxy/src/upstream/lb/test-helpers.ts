import type { Cluster, Locality } from '@tandem/api/envoy';
import { Host } from '../host.ts';
import type { LbContext, LoadBalancer } from './load-balancer.ts';
import { mulberry32 } from './random.ts';

/** Shared fixtures for the load-balancer tests (not used by production code). */

export interface HostOpts {
  weight?: number;
  healthy?: boolean;
  priority?: number;
  locality?: Locality;
  /** First address octet offset, so that separate calls make distinct hosts. */
  first?: number;
}

/** `count` hosts 10.<priority>.0.<first + i>:80 with the given options. */
export function makeHosts(count: number, opts: HostOpts = {}): Host[] {
  const first = opts.first ?? 1;
  return Array.from(
    { length: count },
    (_, i) =>
      new Host(`10.${opts.priority ?? 0}.0.${first + i}`, 80, {
        weight: opts.weight ?? 1,
        healthy: opts.healthy ?? true,
        priority: opts.priority ?? 0,
        ...(opts.locality ? { locality: opts.locality } : {}),
      }),
  );
}

export function zone(name: string): Locality {
  return { region: 'r1', zone: name, subZone: '' };
}

/** A validated-looking cluster with Envoy's defaults. */
export function testCluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    name: 'backend',
    type: 'STATIC',
    connectTimeoutMs: 5000,
    lbPolicy: 'ROUND_ROBIN',
    cleanupIntervalMs: 5000,
    loadAssignment: undefined,
    edsServiceName: undefined,
    dnsLookupFamily: 'AUTO',
    dnsRefreshRateMs: 5000,
    protocol: 'http1',
    http2: { maxConcurrentStreams: 100, initialStreamWindowSize: 65535, initialConnectionWindowSize: 65535 },
    idleTimeoutMs: 3600000,
    maxRequestsPerConnection: 0,
    transportSocket: undefined,
    perConnectionBufferLimitBytes: 1048576,
    ringHash: { minimumRingSize: 1024, maximumRingSize: 8388608 },
    maglev: { tableSize: 65537 },
    leastRequest: { choiceCount: 2 },
    healthyPanicThresholdPercent: 50,
    localityWeightedLb: false,
    ...overrides,
  };
}

/** Picks `n` times and counts picks per host key (`none` for undefined). */
export function countPicks(
  lb: LoadBalancer,
  n: number,
  hashAt?: (i: number) => number | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  const ctx: LbContext = { hash: undefined };
  for (let i = 0; i < n; i++) {
    ctx.hash = hashAt ? hashAt(i) : undefined;
    const key = lb.chooseHost(ctx)?.key ?? 'none';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** `n` pseudo-random unsigned 32-bit request hashes. */
export function randomHashes(seed: number, n: number): Uint32Array {
  const random = mulberry32(seed);
  return Uint32Array.from({ length: n }, () => Math.floor(random() * 4294967296));
}

/** Sum of counts whose key is in `hosts`. */
export function picksOn(counts: Map<string, number>, hosts: readonly Host[]): number {
  return hosts.reduce((sum, h) => sum + (counts.get(h.key) ?? 0), 0);
}
