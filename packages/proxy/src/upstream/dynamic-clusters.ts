/**
 * Clusters and endpoints delivered over CDS and EDS, applied the way Envoy's cluster manager does:
 * a new or changed cluster warms (an EDS cluster until its first ClusterLoadAssignment, a DNS
 * cluster until its first answer, each bounded by the initial fetch timeout, 15 s by default)
 * while the cluster it replaces keeps serving; then it becomes active in one map assignment and
 * the old one drains its connection pools. Endpoints are kept by EDS service name, so a cluster
 * that is re-created finds its endpoints at once. Static clusters cannot be changed over CDS.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Cluster, ClusterLoadAssignment } from '@tandem/api/envoy';
import {
  APPLIED,
  type ApplyOptions,
  type ApplyResult,
  duplicateNames,
  type ResourceError,
  type ResourceMeta,
  resourceMeta,
} from '../config/apply-result.ts';
import type { Counter, Gauge, StatsStore } from '../stats/stats.ts';
import type { ClusterRuntime } from './cluster.ts';
import type { ClusterManager } from './cluster-manager.ts';

const DEFAULT_WARMING_TIMEOUT_MS = 15_000;

export interface DynamicClusterDump {
  readonly name: string;
  readonly meta: ResourceMeta;
}

interface Applied<T> {
  readonly config: T;
  readonly meta: ResourceMeta;
}

interface Warming extends Applied<Cluster> {
  readonly runtime: ClusterRuntime;
  readonly timer: NodeJS.Timeout | undefined;
}

export interface DynamicClustersOptions {
  readonly stats: StatsStore;
  readonly wallMs: () => number;
  readonly log: (line: string) => void;
}

export class DynamicClusters {
  private readonly manager: ClusterManager;
  private readonly options: DynamicClustersOptions;
  private readonly active = new Map<string, Applied<Cluster>>();
  private readonly warming = new Map<string, Warming>();
  private readonly endpoints = new Map<string, Applied<ClusterLoadAssignment>>();
  private readonly warmWaiters: (() => void)[] = [];
  private readonly counters: { added: Counter; modified: Counter; removed: Counter };
  private readonly gauges: { active: Gauge; warming: Gauge };

  constructor(manager: ClusterManager, options: DynamicClustersOptions) {
    this.manager = manager;
    this.options = options;
    const scope = options.stats.scope('cluster_manager.');
    this.counters = {
      added: scope.counter('cluster_added'),
      modified: scope.counter('cluster_modified'),
      removed: scope.counter('cluster_removed'),
    };
    this.gauges = { active: scope.gauge('active_clusters'), warming: scope.gauge('warming_clusters') };
    this.gauges.active.set([...manager.all()].length);
  }

  /** EDS service names of every cluster, static or dynamic, active or warming. */
  edsServiceNames(): Set<string> {
    const names = new Set<string>();
    const runtimes = [...this.manager.all(), ...[...this.warming.values()].map((w) => w.runtime)];
    for (const r of runtimes) if (r.config.edsServiceName !== undefined) names.add(r.config.edsServiceName);
    return names;
  }

  /** Resolves when no cluster is warming. */
  whenWarm(): Promise<void> {
    if (this.warming.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.warmWaiters.push(resolve));
  }

  /** Adds, replaces (after warming) and removes dynamic clusters; all or nothing. */
  applyClusters(clusters: readonly Cluster[], options: ApplyOptions = {}): ApplyResult {
    const errors: ResourceError[] = duplicateNames(clusters, 'cluster');
    const built: Warming[] = [];
    const now = this.options.wallMs();
    for (const config of clusters) {
      if (this.isStatic(config.name)) {
        this.options.log(`cds: cluster "${config.name}" is static; the CDS version is not used`);
        continue;
      }
      const current = this.warming.get(config.name) ?? this.active.get(config.name);
      if (current !== undefined && isDeepStrictEqual(current.config, config)) continue;
      try {
        const runtime = this.manager.build(config);
        built.push({ config, runtime, meta: resourceMeta(config.name, options, now), timer: undefined });
      } catch (err) {
        errors.push({ name: config.name, message: (err as Error).message });
      }
    }
    if (errors.length > 0) {
      for (const b of built) b.runtime.shutdown();
      return { ok: false, errors };
    }
    for (const name of options.removed ?? []) this.remove(name);
    for (const b of built) this.warm(b);
    this.settle();
    return APPLIED;
  }

  /** Replaces the endpoints of every cluster using each assignment's service name. */
  applyEndpoints(assignments: readonly ClusterLoadAssignment[], options: ApplyOptions = {}): ApplyResult {
    const errors = duplicateNames(
      assignments.map((a) => ({ name: a.clusterName })),
      'cluster load assignment',
    );
    if (errors.length > 0) return { ok: false, errors };
    const now = this.options.wallMs();
    for (const cla of assignments) {
      const name = cla.clusterName;
      if (isDeepStrictEqual(this.endpoints.get(name)?.config, cla)) continue;
      this.endpoints.set(name, { config: cla, meta: resourceMeta(name, options, now) });
      for (const r of this.manager.all()) if (r.config.edsServiceName === name) r.updateLoadAssignment(cla);
      for (const w of this.warming.values())
        if (w.config.edsServiceName === name) w.runtime.updateLoadAssignment(cla);
    }
    for (const name of options.removed ?? []) this.endpoints.delete(name);
    this.settle();
    return APPLIED;
  }

  dumpActive(): DynamicClusterDump[] {
    return [...this.active].map(([name, a]) => ({ name, meta: a.meta }));
  }

  dumpWarming(): DynamicClusterDump[] {
    return [...this.warming].map(([name, w]) => ({ name, meta: w.meta }));
  }

  dumpEndpoints(): DynamicClusterDump[] {
    return [...this.endpoints].map(([name, e]) => ({ name, meta: e.meta }));
  }

  /** Stops warming clusters (the active ones are shut down by the cluster manager). */
  shutdown(): void {
    for (const w of this.warming.values()) this.cancel(w);
    this.warming.clear();
    this.wakeWaiters();
  }

  // ------------------------------------------------------------ internals

  private isStatic(name: string): boolean {
    return this.manager.get(name) !== undefined && !this.active.has(name) && !this.warming.has(name);
  }

  private warm(entry: Warming): void {
    const { config, runtime } = entry;
    const previous = this.warming.get(config.name);
    if (previous !== undefined) this.cancel(previous);
    if (config.edsServiceName !== undefined) {
      const cla = this.endpoints.get(config.edsServiceName);
      if (cla !== undefined) runtime.updateLoadAssignment(cla.config);
    }
    const timeoutMs = config.edsInitialFetchTimeoutMs ?? DEFAULT_WARMING_TIMEOUT_MS;
    const timer =
      runtime.isInitialized || timeoutMs === 0
        ? undefined
        : setTimeout(() => this.promote(config.name), timeoutMs);
    timer?.unref();
    this.warming.set(config.name, { ...entry, timer });
    if (!runtime.isInitialized) void runtime.whenInitialized().then(() => this.settle());
  }

  /** Activates every warming cluster that has its hosts. */
  private settle(): void {
    for (const [name, w] of this.warming) if (w.runtime.isInitialized) this.promote(name);
  }

  private promote(name: string): void {
    const w = this.warming.get(name);
    if (w === undefined) return;
    if (w.timer !== undefined) clearTimeout(w.timer);
    if (!w.runtime.isInitialized)
      this.options.log(`cds: cluster "${name}" warmed up without endpoints (timeout)`);
    this.warming.delete(name);
    const replaced = this.active.has(name);
    this.manager.install(w.runtime);
    this.active.set(name, { config: w.config, meta: w.meta });
    (replaced ? this.counters.modified : this.counters.added).inc();
    this.options.log(
      `cds: cluster "${name}" ${replaced ? 'updated' : 'added'} (version ${w.meta.versionInfo})`,
    );
    this.updateGauges();
    if (this.warming.size === 0) this.wakeWaiters();
  }

  private remove(name: string): void {
    const w = this.warming.get(name);
    if (w !== undefined) {
      this.cancel(w);
      this.warming.delete(name);
    }
    if (this.active.delete(name)) {
      this.manager.remove(name);
      this.counters.removed.inc();
      this.options.log(`cds: cluster "${name}" removed`);
    }
    this.updateGauges();
    if (this.warming.size === 0) this.wakeWaiters();
  }

  private cancel(w: Warming): void {
    if (w.timer !== undefined) clearTimeout(w.timer);
    w.runtime.shutdown();
  }

  private updateGauges(): void {
    this.gauges.active.set([...this.manager.all()].length);
    this.gauges.warming.set(this.warming.size);
  }

  private wakeWaiters(): void {
    for (const w of this.warmWaiters.splice(0)) w();
  }
}
