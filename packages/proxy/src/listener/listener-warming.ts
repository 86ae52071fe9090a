/**
 * A listener config waiting for the RDS route configurations it names (Envoy's listener warming).
 * It is ready when each of them has arrived or waited its initial fetch timeout (0: forever), and
 * the TLS secrets its filter chains name (SDS) are there; a listener that names none is ready at once.
 */
import type { Listener } from '@tandem/api/envoy';
import type { ResourceMeta } from '../config/apply-result.ts';
import type { RdsRoutes } from '../router/rds-routes.ts';
import type { FilterChainSet } from './filter-chain-set.ts';
import type { ListenerRuntime } from './listener-runtime.ts';
import { type RdsDependency, rdsDependencies } from './rds-dependencies.ts';

export class ListenerWarming {
  readonly config: Listener;
  readonly set: FilterChainSet;
  /** The socket the config will serve (the current one, or a new one for a new address). */
  readonly runtime: ListenerRuntime;
  readonly meta: ResourceMeta;
  private readonly routes: RdsRoutes;
  private readonly onReady: () => void;
  private readonly needs: RdsDependency[];
  private readonly startedMs = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    config: Listener,
    set: FilterChainSet,
    runtime: ListenerRuntime,
    meta: ResourceMeta,
    routes: RdsRoutes,
    onReady: () => void,
  ) {
    this.config = config;
    this.set = set;
    this.runtime = runtime;
    this.meta = meta;
    this.routes = routes;
    this.onReady = onReady;
    this.needs = rdsDependencies(config);
  }

  /** Calls `onReady` if the listener is warm now; otherwise waits for the next expiry. */
  check(): void {
    if (this.done) return;
    const elapsedMs = Date.now() - this.startedMs;
    let nextExpiryMs = Number.POSITIVE_INFINITY;
    let ready = true;
    for (const need of this.needs) {
      if (this.routes.has(need.name)) continue;
      const left = need.initialFetchTimeoutMs - elapsedMs;
      if (need.initialFetchTimeoutMs > 0 && left <= 0) continue;
      ready = false;
      if (need.initialFetchTimeoutMs > 0) nextExpiryMs = Math.min(nextExpiryMs, left);
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (ready && !this.set.secretsReady) {
      // TLS secrets (SDS) have not arrived: wait for them, then check again.
      void this.set.whenSecretsReady().then(() => this.check());
      return;
    }
    if (ready) {
      this.done = true;
      return this.onReady();
    }
    if (nextExpiryMs !== Number.POSITIVE_INFINITY) {
      this.timer = setTimeout(() => this.check(), nextExpiryMs);
      this.timer.unref();
    }
  }

  /** Stops waiting; `onReady` will not be called. */
  cancel(): void {
    if (!this.done) this.set.closeTls();
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
