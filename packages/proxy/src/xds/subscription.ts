/**
 * What the ADS client keeps per resource type: whether it is subscribed, the names (RDS, EDS),
 * the last accepted version and the last nonce on the current stream, the names the last
 * accepted complete set held (LDS, CDS: to find removals), its stats, and whether its first
 * response has been handled (initialization waits for that).
 */
import type { Counter, StatsStore } from '../stats/stats.ts';
import { XDS_TYPES, type XdsKind, type XdsResourceType } from './resource-types.ts';

export interface SubscriptionStats {
  readonly attempt: Counter;
  readonly success: Counter;
  readonly rejected: Counter;
  readonly failure: Counter;
}

export class Subscription {
  readonly type: XdsResourceType;
  readonly stats: SubscriptionStats;
  /** Requested on the stream (and re-requested on every new stream). */
  active = false;
  /** The requested names, sorted (RDS, EDS). */
  names: string[] = [];
  /** version_info of the last accepted response ('' before the first). */
  versionInfo = '';
  /** nonce of the last response on the current stream. */
  nonce = '';
  /** Names in the last accepted response of a complete-set type. */
  applied = new Set<string>();
  private first = false;
  private readonly firstWaiters: (() => void)[] = [];

  constructor(kind: XdsKind, store: StatsStore) {
    this.type = XDS_TYPES[kind];
    const scope = store.scope(this.type.statPrefix);
    this.stats = {
      attempt: scope.counter('update_attempt'),
      success: scope.counter('update_success'),
      rejected: scope.counter('update_rejected'),
      failure: scope.counter('update_failure'),
    };
  }

  /** Replaces the names; returns the ones dropped, or undefined when nothing changed. */
  setNames(next: readonly string[]): string[] | undefined {
    const sorted = [...new Set(next)].sort();
    if (sorted.length === this.names.length && sorted.every((n, i) => n === this.names[i])) return undefined;
    const keep = new Set(sorted);
    const removed = this.names.filter((n) => !keep.has(n));
    this.names = sorted;
    return removed;
  }

  markFirstResponse(): void {
    if (this.first) return;
    this.first = true;
    for (const w of this.firstWaiters.splice(0)) w();
  }

  /** Resolves false on the first response, true when `timeoutMs` passed first (0: no timeout). */
  waitFirstResponse(timeoutMs: number): Promise<boolean> {
    if (this.first) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = timeoutMs > 0 ? setTimeout(() => resolve(true), timeoutMs) : undefined;
      timer?.unref();
      this.firstWaiters.push(() => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(false);
      });
    });
  }

  /** Releases whoever waits for the first response (the client stopped). */
  cancelWait(): void {
    this.markFirstResponse();
  }
}
