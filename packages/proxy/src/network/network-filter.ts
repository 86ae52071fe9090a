/**
 * Network filters (the terminal filter of a filter chain: HTTP connection manager or TCP proxy)
 * are factories registered by kind (STYLE rule 5). A factory builds its runtime once per filter
 * chain; the listener then hands it each accepted (and, if configured, TLS-terminated) connection.
 */
import type net from 'node:net';
import type { HttpConnectionManager, NetworkFilter, TcpProxy } from '@tandem/api/envoy';
import type { DownstreamConnectionInfo } from '../http/request-head.ts';
import type { RouteProvider } from '../router/route-provider.ts';
import type { StatsStore } from '../stats/stats.ts';
import type { Telemetry, TrafficDirection } from '../telemetry/telemetry.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';
import type { Clock } from '../util/clock.ts';
import { TandemError } from '../util/errors.ts';

export interface NetworkFilterContext {
  readonly clusters: ClusterManager;
  readonly stats: StatsStore;
  readonly clock: Clock;
  readonly routes: (config: HttpConnectionManager) => RouteProvider;
  readonly telemetry: Telemetry;
  /** The listener's traffic_direction: which side Istio metrics report as. */
  readonly direction: TrafficDirection;
  /** The listener's per_connection_buffer_limit_bytes (bounds request bodies kept for retries). */
  readonly bufferLimitBytes?: number;
  /** The proxy's `node.cluster` (the `source_cluster` of rate limit descriptors). */
  readonly localCluster?: string;
}

export interface NetworkFilterRuntime {
  /** Serves one connection; `alpn` is the negotiated protocol when TLS was terminated. */
  onConnection(socket: net.Socket, info: DownstreamConnectionInfo, alpn: string | false): void;
  /** Stop keep-alive / tell peers to go away; connections finish what they are doing. */
  drain(): void;
}

export interface NetworkFilterFactory<C> {
  readonly kind: NetworkFilter['kind'];
  build(config: C, ctx: NetworkFilterContext): NetworkFilterRuntime;
}

type AnyFactory = NetworkFilterFactory<HttpConnectionManager> | NetworkFilterFactory<TcpProxy>;
const registry = new Map<string, AnyFactory>();

/** A non-terminal network filter that decides, once per connection, whether it may go on (network RBAC). */
export type ConnectionCheck = (info: DownstreamConnectionInfo) => boolean;

export interface ConnectionFilterFactory {
  readonly kind: NetworkFilter['kind'];
  build(config: unknown, ctx: NetworkFilterContext): ConnectionCheck;
}

const checks = new Map<string, ConnectionFilterFactory>();

export function registerConnectionFilter(factory: ConnectionFilterFactory): void {
  checks.set(factory.kind, factory);
}

/** The checks of a chain's filters before its terminal one, in order. */
export function buildConnectionChecks(
  filters: readonly NetworkFilter[],
  ctx: NetworkFilterContext,
): ConnectionCheck[] {
  return filters.map((f) => {
    const factory = checks.get(f.kind);
    if (factory === undefined) {
      throw new TandemError(
        'TANDEM_ERR_NETWORK_FILTER',
        `network filter "${f.name}": ${f.kind} cannot come before the terminal filter`,
      );
    }
    return factory.build(f.config, ctx);
  });
}

export function registerNetworkFilter(factory: AnyFactory): void {
  registry.set(factory.kind, factory);
}

export function buildNetworkFilter(filter: NetworkFilter, ctx: NetworkFilterContext): NetworkFilterRuntime {
  const factory = registry.get(filter.kind);
  if (factory === undefined) {
    throw new TandemError(
      'TANDEM_ERR_NETWORK_FILTER',
      `network filter "${filter.name}": no filter registered for ${filter.kind}`,
    );
  }
  return (factory as NetworkFilterFactory<unknown>).build(filter.config, ctx);
}
