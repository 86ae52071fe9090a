/**
 * `istioctl proxy-status` semantics for one type on one connection: SYNCED when the client
 * acknowledged what it was last sent, NACKED when it rejected it, STALE while an answer is
 * pending, NOT SENT when nothing of the type went out.
 */
import type { ConnectionStatus, TypeStatus } from '../xds/index.ts';

export type SyncState = 'SYNCED' | 'NACKED' | 'STALE' | 'NOT SENT';

export function syncState(t: TypeStatus | undefined): SyncState {
  if (t === undefined || t.lastSentVersion === null) return 'NOT SENT';
  if (t.lastNack !== null && t.lastNack.version === t.lastSentVersion) return 'NACKED';
  if (t.lastAckedVersion === t.lastSentVersion) return 'SYNCED';
  return 'STALE';
}

const SHORT: Record<string, string> = {
  'type.googleapis.com/envoy.config.cluster.v3.Cluster': 'CDS',
  'type.googleapis.com/envoy.config.listener.v3.Listener': 'LDS',
  'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
  'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': 'RDS',
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
};

export interface ProxySync {
  proxy: string;
  connectionId: string;
  protocol: string;
  connectedAt: string;
  snapshotVersion: string | null;
  /** CDS/LDS/EDS/RDS/SDS -> state, with versions and the last NACK message. */
  types: Record<string, { state: SyncState; sent: string | null; acked: string | null; nack: string | null }>;
}

export function proxySync(c: ConnectionStatus): ProxySync {
  const types: ProxySync['types'] = {};
  for (const t of c.types) {
    types[SHORT[t.typeUrl] ?? t.typeUrl] = {
      state: syncState(t),
      sent: t.lastSentVersion,
      acked: t.lastAckedVersion,
      nack: t.lastNack?.message ?? null,
    };
  }
  return {
    proxy: c.nodeId,
    connectionId: c.connectionId,
    protocol: c.protocol,
    connectedAt: c.connectedAt,
    snapshotVersion: c.snapshotVersion,
    types,
  };
}
