/** The admin API's handler shape and what handlers may read from the running proxy. */
import type { ResourceMeta } from '../config/apply-result.ts';
import type { IdentityAgentHandle } from '../identity/identity-types.ts';
import type { DynamicListenerDump } from '../listener/listener-manager.ts';
import type { StatsStore } from '../stats/stats.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';
import type { SecretStore } from '../tls/secret-store.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';
import type { LogLevels } from './log-levels.ts';

export interface AdminResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface AdminHandler {
  path: string;
  help: string;
  /** Changes state: only POST is accepted. */
  mutates?: boolean;
  /** A mutating endpoint that a GET without parameters may read (e.g. /logging lists loggers). */
  listable?: boolean;
  handle(target: AdminTarget, query: URLSearchParams): AdminResponse;
}

export type ServerState = 'PRE_INITIALIZING' | 'INITIALIZING' | 'LIVE' | 'DRAINING';

export interface ListenerInfo {
  name: string;
  address: string;
  port: number;
}

/** A dynamic resource by name, with what /config_dump shows about it. */
export interface NamedResourceMeta {
  readonly name: string;
  readonly meta: ResourceMeta;
}

/** Resources applied over xDS, for /config_dump; `*Version` is the last accepted version_info. */
export interface DynamicConfigDump {
  readonly ldsVersion: string;
  readonly listeners: readonly DynamicListenerDump[];
  readonly cdsVersion: string;
  readonly activeClusters: readonly NamedResourceMeta[];
  readonly warmingClusters: readonly NamedResourceMeta[];
  readonly routes: readonly NamedResourceMeta[];
  readonly endpoints: readonly NamedResourceMeta[];
}

/** What the admin API reads from and does to the proxy. */
export interface AdminTarget {
  state(): ServerState;
  serverInfo(): Record<string, unknown>;
  readonly stats: StatsStore;
  readonly telemetry: Telemetry;
  readonly logLevels: LogLevels;
  readonly clusters: ClusterManager;
  /** Static, SDS and local secrets (for /certs). */
  readonly secrets: SecretStore;
  /** The workload identity agent, if the proxy has one. */
  readonly identity: IdentityAgentHandle | undefined;
  listeners(): ListenerInfo[];
  /** The running config in xDS (proto3 JSON) form, as loaded. */
  rawConfig(): Record<string, unknown>;
  /** What came over xDS. */
  dynamicConfig(): DynamicConfigDump;
  drainListeners(options?: { inboundOnly?: boolean }): void;
  setHealthFailed(failed: boolean): void;
  quit(): void;
}
