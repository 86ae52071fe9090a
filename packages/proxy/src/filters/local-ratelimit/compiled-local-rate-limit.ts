/**
 * A LocalRateLimit config compiled once (for the filter, or for a route or virtual host): its
 * default bucket, its descriptor buckets keyed by their entries, and the decision for one request.
 * Stats (`<stat_prefix>.http_local_rate_limit.enabled|enforced|rate_limited|ok`) are bound to the
 * proxy's store on first use, since per-route configs are compiled with the routes.
 */
import type { HeaderValueOption, LocalRateLimitConfig } from '@tandem/api/envoy';
import type { Descriptor } from '../../router/rate-limit-descriptors.ts';
import type { Counter, StatsStore } from '../../stats/stats.ts';
import { TokenBucketState } from './token-bucket.ts';

const ALL = 1_000_000;

export interface RateLimitStats {
  enabled: Counter;
  enforced: Counter;
  rateLimited: Counter;
  ok: Counter;
}

/** The outcome for one request, with the bucket the x-ratelimit headers describe. */
export interface RateLimitDecision {
  allowed: boolean;
  bucket: TokenBucketState | undefined;
}

export class CompiledLocalRateLimit {
  readonly config: LocalRateLimitConfig;
  readonly responseHeadersToAdd: readonly HeaderValueOption[];
  private defaultBucket: TokenBucketState | undefined;
  private readonly descriptorBuckets = new Map<string, TokenBucketState>();
  private stats: RateLimitStats | undefined;
  private started = false;

  constructor(config: LocalRateLimitConfig) {
    this.config = config;
    this.responseHeadersToAdd = config.responseHeadersToAdd;
  }

  get hasDescriptors(): boolean {
    return this.config.descriptors.length > 0;
  }

  statsFor(store: StatsStore): RateLimitStats {
    if (this.stats !== undefined) return this.stats;
    const s = store.scope(`${this.config.statPrefix}.http_local_rate_limit.`);
    this.stats = {
      enabled: s.counter('enabled'),
      enforced: s.counter('enforced'),
      rateLimited: s.counter('rate_limited'),
      ok: s.counter('ok'),
    };
    return this.stats;
  }

  enabled(random: number): boolean {
    return sample(this.config.filterEnabled, random);
  }

  enforced(random: number): boolean {
    return sample(this.config.filterEnforced, random);
  }

  /**
   * Decides one request given its descriptors: every matched descriptor's bucket, and the default
   * bucket (when no descriptor matched, or `always_consume_default_token_bucket`), must have a
   * token; then each of them gives one.
   */
  decide(descriptors: readonly Descriptor[], nowMs: number): RateLimitDecision {
    this.start(nowMs);
    const buckets: TokenBucketState[] = [];
    for (const d of descriptors) {
      const b = this.descriptorBuckets.get(descriptorKey(d));
      if (b !== undefined && !buckets.includes(b)) buckets.push(b);
    }
    const def = this.defaultBucket;
    if (def !== undefined && (buckets.length === 0 || this.config.alwaysConsumeDefaultTokenBucket))
      buckets.push(def);
    let tightest: TokenBucketState | undefined;
    for (const b of buckets) {
      if (b.available(nowMs) === 0) return { allowed: false, bucket: b };
      if (tightest === undefined || b.available(nowMs) < tightest.available(nowMs)) tightest = b;
    }
    for (const b of buckets) b.take();
    return { allowed: true, bucket: tightest };
  }

  private start(nowMs: number): void {
    if (this.started) return;
    this.started = true;
    const c = this.config;
    if (c.tokenBucket !== undefined) this.defaultBucket = new TokenBucketState(c.tokenBucket, nowMs);
    for (const d of c.descriptors)
      this.descriptorBuckets.set(descriptorKey(d.entries), new TokenBucketState(d.tokenBucket, nowMs));
  }
}

function descriptorKey(entries: readonly { key: string; value: string }[]): string {
  let k = '';
  for (const e of entries) k += `${e.key}\u0000${e.value}\u0001`;
  return k;
}

function sample(share: number, random: number): boolean {
  return share >= ALL || Math.floor(random * ALL) < share;
}
