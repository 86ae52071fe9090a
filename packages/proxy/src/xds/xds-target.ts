/**
 * What the xDS client needs from the proxy (the apply API and the names to subscribe to), and
 * what the proxy holds of a running client. Kept apart so the proxy does not load gRPC unless
 * the bootstrap configures ADS.
 */
import type {
  Bootstrap,
  Cluster,
  ClusterLoadAssignment,
  Listener,
  RouteConfiguration,
  Secret,
} from '@tandem/api/envoy';
import type { ApplyOptions, ApplyResult } from '../config/apply-result.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';

export interface XdsTarget {
  readonly bootstrap: Bootstrap;
  /** Where the ADS cluster's hosts are found. */
  readonly clusters: ClusterManager;
  applyListeners(listeners: readonly Listener[], options: ApplyOptions): Promise<ApplyResult>;
  applyRoutes(routes: readonly RouteConfiguration[], options: ApplyOptions): ApplyResult;
  applyClusters(clusters: readonly Cluster[], options: ApplyOptions): ApplyResult;
  applyEndpoints(assignments: readonly ClusterLoadAssignment[], options: ApplyOptions): ApplyResult;
  /** SDS: validates each secret's PEM and puts it in the secret store (TLS contexts follow). */
  applySecrets(secrets: readonly Secret[], options: ApplyOptions): ApplyResult;
  /** Secret names TLS contexts use that SDS must fetch (not static, not provided locally). */
  sdsSecretNames(): string[];
  /** RDS names the listeners need. */
  routeConfigNames(): string[];
  /** EDS service names the clusters need. */
  edsServiceNames(): string[];
  /** Resolves when no cluster is warming. */
  whenClustersWarm(): Promise<void>;
  /** Resolves when no listener is warming. */
  whenListenersWarm(): Promise<void>;
}

export interface XdsClientHandle {
  /** Resolves when the first round (CDS, EDS, LDS, RDS) is applied or timed out. */
  readonly initialized: Promise<void>;
  stop(): void;
}
