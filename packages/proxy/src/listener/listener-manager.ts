/**
 * All listeners: the static ones from the bootstrap and the ones LDS delivers, applied the way
 * Envoy's listener manager does. A new or changed listener is compiled and (for a new address)
 * bound at once, so that a bad config or a port in use rejects the update; it then warms until
 * the RDS route configurations it names have arrived (or their initial fetch timeout passed,
 * after which it answers 404 for routes it lacks). Warm, it takes new connections in one
 * reference swap on the same socket (an address change binds a new socket and drains the old);
 * connections accepted before keep their filter chains, drain, and are closed after the drain
 * time. A removed listener stops accepting and drains the same way.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Listener } from '@tandem/api/envoy';
import {
  APPLIED,
  type ApplyOptions,
  type ApplyResult,
  duplicateNames,
  type ResourceError,
  type ResourceMeta,
  resourceMeta,
} from '../config/apply-result.ts';
import type { NetworkFilterContext } from '../network/network-filter.ts';
import type { RdsRoutes } from '../router/rds-routes.ts';
import type { StatsStore } from '../stats/stats.ts';
import type { SecretStore } from '../tls/secret-store.ts';
import { FilterChainSet } from './filter-chain-set.ts';
import { ListenerManagerStats } from './listener-manager-stats.ts';
import { ListenerRuntime } from './listener-runtime.ts';
import { ListenerWarming } from './listener-warming.ts';

export interface ListenerManagerOptions {
  readonly filters: NetworkFilterContext;
  readonly secrets: SecretStore;
  readonly routes: RdsRoutes;
  readonly stats: StatsStore;
  readonly drainTimeMs: number;
  readonly log: (line: string) => void;
}

interface Applied {
  readonly config: Listener;
  readonly meta: ResourceMeta;
}

interface DynamicListener {
  /** The socket the active config serves. */
  runtime: ListenerRuntime;
  active: Applied | undefined;
  warming: ListenerWarming | undefined;
}

export interface DynamicListenerDump {
  readonly name: string;
  readonly active: ResourceMeta | undefined;
  readonly warming: ResourceMeta | undefined;
  readonly draining: ResourceMeta | undefined;
}

interface Plan {
  readonly config: Listener;
  readonly set: FilterChainSet;
  runtime: ListenerRuntime | undefined;
}

export class ListenerManager {
  readonly statics: ListenerRuntime[] = [];
  private readonly options: ListenerManagerOptions;
  private readonly dynamics = new Map<string, DynamicListener>();
  private readonly draining = new Map<ListenerRuntime, { name: string; meta: ResourceMeta }>();
  private readonly stats: ListenerManagerStats;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly warmWaiters: (() => void)[] = [];

  constructor(statics: readonly Listener[], options: ListenerManagerOptions) {
    this.options = options;
    this.stats = new ListenerManagerStats(options.stats);
    for (const config of statics) {
      const runtime = new ListenerRuntime(config);
      runtime.activate(this.compile(config), options.drainTimeMs);
      this.statics.push(runtime);
    }
    options.routes.onUpdate(() => this.recheckWarming());
    this.updateGauges();
  }

  /** Binds the static listeners (dynamic ones bind when they are applied). */
  async listenStatic(): Promise<void> {
    for (const l of this.statics) await l.listen();
  }

  /** Every listener with a bound socket and an active config, static first. */
  active(): ListenerRuntime[] {
    const dynamic = [...this.dynamics.values()].filter((d) => d.active !== undefined).map((d) => d.runtime);
    return [...this.statics, ...dynamic];
  }

  /** The bound port of listener `name` (active, or warming on a new socket); undefined if unknown. */
  port(name: string): number | undefined {
    const s = this.statics.find((x) => x.name === name);
    if (s !== undefined) return s.port;
    const d = this.dynamics.get(name);
    if (d === undefined) return undefined;
    return d.active === undefined && d.warming !== undefined ? d.warming.runtime.port : d.runtime.port;
  }

  /** Every listener config in use or warming (the RDS names they need are subscribed). */
  configs(): Listener[] {
    const out = this.statics.map((s) => s.config!);
    for (const d of this.dynamics.values()) {
      if (d.active !== undefined) out.push(d.active.config);
      if (d.warming !== undefined) out.push(d.warming.config);
    }
    return out;
  }

  get activeConnections(): number {
    return this.connectionsOf(undefined);
  }

  /** Open connections of the listeners `which` selects (all when undefined). */
  connectionsOf(which: ((config: Listener | undefined) => boolean) | undefined): number {
    let n = 0;
    for (const r of this.allRuntimes()) if (which === undefined || which(r.config)) n += r.activeConnections;
    return n;
  }

  /**
   * Adds, updates (after warming) and removes dynamic listeners; all or nothing. Updates are
   * applied one at a time, in call order.
   */
  applyListeners(list: readonly Listener[], options: ApplyOptions = {}): Promise<ApplyResult> {
    const run = this.queue.then(() => this.apply(list, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no listener is warming. */
  whenWarm(): Promise<void> {
    if (![...this.dynamics.values()].some((d) => d.warming !== undefined)) return Promise.resolve();
    return new Promise((resolve) => this.warmWaiters.push(resolve));
  }

  dump(): DynamicListenerDump[] {
    const out: DynamicListenerDump[] = [...this.dynamics].map(([name, d]) => ({
      name,
      active: d.active?.meta,
      warming: d.warming?.meta,
      draining: undefined,
    }));
    for (const { name, meta } of this.draining.values())
      out.push({ name, active: undefined, warming: undefined, draining: meta });
    return out;
  }

  /**
   * Stops accepting on the listeners `which` selects (all when undefined); their connections drain
   * through their filters. A full drain also cancels warming listeners.
   */
  drain(which?: (config: Listener | undefined) => boolean): void {
    if (which === undefined) {
      for (const d of this.dynamics.values()) d.warming?.cancel();
      for (const w of this.warmWaiters.splice(0)) w();
    }
    for (const r of this.allRuntimes()) if (which === undefined || which(r.config)) r.drain();
  }

  destroyConnections(): void {
    for (const r of this.allRuntimes()) r.destroyConnections();
  }

  // ------------------------------------------------------------ applying

  private async apply(list: readonly Listener[], options: ApplyOptions): Promise<ApplyResult> {
    const errors: ResourceError[] = duplicateNames(list, 'listener');
    const plans: Plan[] = [];
    for (const config of list) {
      if (this.statics.some((s) => s.name === config.name)) {
        this.options.log(`lds: listener "${config.name}" is static; the LDS version is not used`);
        continue;
      }
      const d = this.dynamics.get(config.name);
      const current = d?.warming?.config ?? d?.active?.config;
      if (current !== undefined && isDeepStrictEqual(current, config)) continue;
      try {
        plans.push({ config, set: this.compile(config), runtime: this.reusableRuntime(d, config) });
      } catch (err) {
        errors.push({ name: config.name, message: (err as Error).message });
      }
    }
    const removed = new Set(options.removed ?? []);
    const adopted = this.adoptSockets(plans, removed);
    if (errors.length === 0) errors.push(...(await this.bind(plans)));
    if (errors.length > 0) {
      for (const p of plans) p.set.closeTls();
      this.stats.rejected(errors.length);
      return { ok: false, errors };
    }
    for (const name of removed) this.remove(name, adopted);
    const now = Date.now();
    for (const p of plans) this.warm(p.config, p.set, p.runtime!, resourceMeta(p.config.name, options, now));
    this.updateGauges();
    return APPLIED;
  }

  private compile(config: Listener): FilterChainSet {
    return new FilterChainSet(
      config,
      this.options.filters,
      this.options.secrets,
      this.findOriginal,
      this.options.log,
    );
  }

  /** use_original_dst: the listener for `address:port`, the exact address first, then any-address. */
  private readonly findOriginal = (address: string, port: number): ListenerRuntime | undefined => {
    const candidates = this.active().filter((l) => l.acceptsOriginal(address, port));
    return candidates.find((l) => l.address.address === address) ?? candidates[0];
  };

  /** The bound socket an update of `d` to `config` can keep using, if any. */
  private reusableRuntime(d: DynamicListener | undefined, config: Listener): ListenerRuntime | undefined {
    if (d === undefined) return undefined;
    if (d.runtime.sameAddress(config)) return d.runtime;
    return d.warming?.runtime.sameAddress(config) ? d.warming.runtime : undefined;
  }

  /**
   * A new listener on the address of a listener the same update removes takes over its socket
   * (binding it again would fail while the old one drains). The old config serves it until the
   * new one is warm, then drains like any replaced config.
   */
  private adoptSockets(plans: Plan[], removed: ReadonlySet<string>): Set<ListenerRuntime> {
    const adopted = new Set<ListenerRuntime>();
    for (const p of plans) {
      if (p.runtime !== undefined || p.config.address.portValue === 0) continue;
      for (const name of removed) {
        const runtime = this.dynamics.get(name)?.runtime;
        if (runtime === undefined || adopted.has(runtime) || !runtime.sameAddress(p.config)) continue;
        p.runtime = runtime;
        adopted.add(runtime);
        break;
      }
    }
    return adopted;
  }

  /** Binds a socket for every plan without one; on any failure, closes them all again. */
  private async bind(plans: Plan[]): Promise<ResourceError[]> {
    const fresh = plans.filter((p) => p.runtime === undefined);
    for (const p of fresh) p.runtime = new ListenerRuntime(p.config);
    const results = await Promise.allSettled(fresh.map((p) => p.runtime!.listen()));
    const errors: ResourceError[] = [];
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        errors.push({ name: fresh[i]!.config.name, message: String(r.reason.message) });
    });
    if (errors.length > 0) for (const p of fresh) void p.runtime!.remove(0);
    return errors;
  }

  private warm(config: Listener, set: FilterChainSet, runtime: ListenerRuntime, meta: ResourceMeta): void {
    let d = this.dynamics.get(config.name);
    if (d === undefined)
      this.dynamics.set(config.name, (d = { runtime, active: undefined, warming: undefined }));
    const previous = d.warming;
    previous?.cancel();
    if (previous !== undefined && previous.runtime !== runtime && previous.runtime !== d.runtime)
      void previous.runtime.remove(0);
    d.warming = new ListenerWarming(config, set, runtime, meta, this.options.routes, () =>
      this.activate(config.name),
    );
    d.warming.check();
  }

  private recheckWarming(): void {
    for (const d of this.dynamics.values()) d.warming?.check();
  }

  private activate(name: string): void {
    const d = this.dynamics.get(name);
    const w = d?.warming;
    if (d === undefined || w === undefined) return;
    d.warming = undefined;
    w.runtime.activate(w.set, this.options.drainTimeMs);
    if (w.runtime !== d.runtime && d.active !== undefined) this.retire(name, d.runtime, d.active.meta);
    const replaced = d.active !== undefined;
    d.runtime = w.runtime;
    d.active = { config: w.config, meta: w.meta };
    this.stats.activated(replaced);
    const where = `${w.runtime.address.address}:${w.runtime.port}`;
    this.options.log(
      `lds: listener "${name}" ${replaced ? 'updated' : 'added'} on ${where} (version ${w.meta.versionInfo})`,
    );
    this.updateGauges();
  }

  private remove(name: string, adopted: ReadonlySet<ListenerRuntime> = new Set()): void {
    const d = this.dynamics.get(name);
    if (d === undefined) return;
    this.dynamics.delete(name);
    d.warming?.cancel();
    if (d.warming !== undefined && d.warming.runtime !== d.runtime) void d.warming.runtime.remove(0);
    const meta = d.active?.meta ?? d.warming?.meta;
    if (adopted.has(d.runtime)) {
      // Another listener took the socket over; its config replaces this one when warm.
    } else if (d.runtime.config !== undefined && meta !== undefined) this.retire(name, d.runtime, meta);
    else void d.runtime.remove(0);
    this.stats.removed.inc();
    this.options.log(`lds: listener "${name}" removed; draining its connections`);
  }

  /** Stops accepting on `runtime` and drains it; it is listed as draining until it is empty. */
  private retire(name: string, runtime: ListenerRuntime, meta: ResourceMeta): void {
    this.draining.set(runtime, { name, meta });
    void runtime.remove(this.options.drainTimeMs).then(() => {
      this.draining.delete(runtime);
      this.updateGauges();
    });
  }

  private allRuntimes(): ListenerRuntime[] {
    const out = [...this.statics, ...this.draining.keys()];
    for (const d of this.dynamics.values()) {
      out.push(d.runtime);
      if (d.warming !== undefined && d.warming.runtime !== d.runtime) out.push(d.warming.runtime);
    }
    return out;
  }

  private updateGauges(): void {
    let active = 0;
    let warming = 0;
    for (const d of this.dynamics.values()) {
      if (d.active !== undefined) active++;
      if (d.warming !== undefined) warming++;
    }
    this.stats.setTotals(this.statics.length + active, warming, this.draining.size);
    if (warming === 0) for (const w of this.warmWaiters.splice(0)) w();
  }
}
