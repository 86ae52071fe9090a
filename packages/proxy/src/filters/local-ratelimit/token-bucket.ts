/**
 * A token bucket read lazily: it starts full, and each `fillIntervalMs` that has passed since the
 * last fill adds `tokensPerFill` tokens, up to `maxTokens`. No timer runs; reading settles what is
 * due. Times are monotonic milliseconds from the caller's clock.
 */
import type { TokenBucket } from '@tandem/api/envoy';

export class TokenBucketState {
  readonly maxTokens: number;
  readonly tokensPerFill: number;
  readonly fillIntervalMs: number;
  private tokens: number;
  private lastFillMs: number;

  constructor(config: TokenBucket, nowMs: number) {
    this.maxTokens = config.maxTokens;
    this.tokensPerFill = config.tokensPerFill;
    this.fillIntervalMs = config.fillIntervalMs;
    this.tokens = config.maxTokens;
    this.lastFillMs = nowMs;
  }

  /** Tokens available now. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Takes one token; call only after `available(now) > 0`. */
  take(): void {
    this.tokens--;
  }

  /** Whole seconds until the next fill (at least 1 while waiting for one). */
  secondsToNextFill(nowMs: number): number {
    this.refill(nowMs);
    return Math.max(0, Math.ceil((this.lastFillMs + this.fillIntervalMs - nowMs) / 1000));
  }

  private refill(nowMs: number): void {
    const fills = Math.floor((nowMs - this.lastFillMs) / this.fillIntervalMs);
    if (fills <= 0) return;
    this.lastFillMs += fills * this.fillIntervalMs;
    this.tokens = Math.min(this.maxTokens, this.tokens + fills * this.tokensPerFill);
  }
}
