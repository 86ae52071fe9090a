/**
 * The active clusters by name: the ones routes and tcp_proxy find per request. Static clusters
 * come from the bootstrap; CDS adds, replaces and removes clusters through `install`/`remove`
 * (see `DynamicClusters`, which warms them first), EDS updates their endpoints.
 */
import type { Cluster, ClusterLoadAssignment } from '@tandem/api/envoy';
import type { StatsStore } from '../stats/stats.ts';
import { ClusterRuntime } from './cluster.ts';
import type { UpstreamTransport } from './upstream-transport.ts';

/** Builds a cluster's transport (TLS per endpoint, following its secrets); undefined for plaintext. */
export type UpstreamTlsBuilder = (cluster: Cluster) => UpstreamTransport | undefined;

export class ClusterManager {
  private readonly clusters = new Map<string, ClusterRuntime>();
  private readonly stats: StatsStore;
  private readonly buildTls: UpstreamTlsBuilder;

  constructor(stats: StatsStore, buildTls: UpstreamTlsBuilder) {
    this.stats = stats;
    this.buildTls = buildTls;
  }

  get(name: string): ClusterRuntime | undefined {
    return this.clusters.get(name);
  }

  all(): IterableIterator<ClusterRuntime> {
    return this.clusters.values();
  }

  /** Adds or replaces a cluster; a replaced cluster's connections drain. */
  addOrUpdate(config: Cluster): ClusterRuntime {
    const runtime = this.build(config);
    this.install(runtime);
    return runtime;
  }

  /** Builds a cluster without making it active (it starts resolving its hosts). Throws on bad TLS. */
  build(config: Cluster): ClusterRuntime {
    return new ClusterRuntime(config, this.stats.scope(''), this.buildTls(config));
  }

  /** Makes `runtime` the active cluster of its name; the one it replaces drains its pools. */
  install(runtime: ClusterRuntime): void {
    const old = this.clusters.get(runtime.name);
    this.clusters.set(runtime.name, runtime);
    if (old !== runtime) old?.shutdown();
  }

  remove(name: string): void {
    const old = this.clusters.get(name);
    this.clusters.delete(name);
    old?.shutdown();
  }

  updateLoadAssignment(cla: ClusterLoadAssignment): boolean {
    const c = this.clusters.get(cla.clusterName);
    if (c === undefined) return false;
    c.updateLoadAssignment(cla);
    return true;
  }

  /** Resolves when every cluster has its first hosts. */
  async whenInitialized(): Promise<void> {
    await Promise.all([...this.clusters.values()].map((c) => c.whenInitialized()));
  }

  get initialized(): boolean {
    for (const c of this.clusters.values()) if (!c.isInitialized) return false;
    return true;
  }

  shutdown(): void {
    for (const c of this.clusters.values()) c.shutdown();
  }
}
