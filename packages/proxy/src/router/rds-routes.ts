/**
 * Route configurations delivered over RDS, by name. Each name has one `DynamicRouteProvider` that
 * every connection manager using that name shares; an update compiles the new configs first and
 * then swaps each provider's table (one reference assignment per name). Requests already routed
 * keep the route they matched.
 */
import { isDeepStrictEqual } from 'node:util';
import type { RouteConfiguration } from '@tandem/api/envoy';
import {
  APPLIED,
  type ApplyOptions,
  type ApplyResult,
  duplicateNames,
  type ResourceError,
  type ResourceMeta,
  resourceMeta,
} from '../config/apply-result.ts';
import { DynamicRouteProvider } from './route-provider.ts';
import { compileRouteConfiguration, type RouteTable } from './route-table.ts';

export interface RdsRouteDump {
  readonly name: string;
  readonly meta: ResourceMeta;
}

export class RdsRoutes {
  private readonly providers = new Map<string, DynamicRouteProvider>();
  private readonly applied = new Map<string, { config: RouteConfiguration; meta: ResourceMeta }>();
  private readonly wallMs: () => number;
  private readonly listeners = new Set<() => void>();

  constructor(wallMs: () => number) {
    this.wallMs = wallMs;
  }

  /** The provider for `name`, created (without a table: 404 until RDS answers) on first use. */
  provider(name: string): DynamicRouteProvider {
    let p = this.providers.get(name);
    if (p === undefined) this.providers.set(name, (p = new DynamicRouteProvider(name)));
    return p;
  }

  /** Whether a route configuration named `name` has arrived. */
  has(name: string): boolean {
    return this.applied.has(name);
  }

  /** Calls `fn` after every applied update (listeners warming on RDS re-check then). */
  onUpdate(fn: () => void): void {
    this.listeners.add(fn);
  }

  /** Compiles every config, then swaps them in; a config that does not compile rejects the update. */
  apply(configs: readonly RouteConfiguration[], options: ApplyOptions = {}): ApplyResult {
    const errors: ResourceError[] = duplicateNames(configs, 'route configuration');
    const tables: [RouteConfiguration, RouteTable][] = [];
    for (const config of configs) {
      const current = this.applied.get(config.name);
      if (current !== undefined && isDeepStrictEqual(current.config, config)) continue;
      try {
        tables.push([config, compileRouteConfiguration(config)]);
      } catch (err) {
        errors.push({ name: config.name, message: (err as Error).message });
      }
    }
    if (errors.length > 0) return { ok: false, errors };
    const now = this.wallMs();
    for (const [config, table] of tables) {
      this.provider(config.name).update(table);
      this.applied.set(config.name, { config, meta: resourceMeta(config.name, options, now) });
    }
    for (const name of options.removed ?? []) this.remove(name);
    for (const fn of this.listeners) fn();
    return APPLIED;
  }

  dump(): RdsRouteDump[] {
    return [...this.applied].map(([name, a]) => ({ name, meta: a.meta }));
  }

  /**
   * Forgets `name`. Connection managers that still hold its provider keep its last table; a
   * connection manager built later for the same name starts without one.
   */
  private remove(name: string): void {
    this.providers.delete(name);
    this.applied.delete(name);
  }
}
