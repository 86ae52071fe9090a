/** The last NACK a client sent for a type: the version it rejected and why. */
export interface NackStatus {
  readonly version: string;
  readonly nonce: string;
  readonly code: number;
  readonly message: string;
  readonly at: string;
}

/** Where one type URL stands on one connection (Istio's /debug/syncz, per type). */
export interface TypeStatus {
  readonly typeUrl: string;
  /** Names the client subscribes to; `wildcard` says whether it also wants everything of the type. */
  readonly subscribed: readonly string[];
  readonly wildcard: boolean;
  readonly lastSentVersion: string | null;
  readonly lastSentNonce: string | null;
  readonly lastSentAt: string | null;
  /** How many resources the last response carried (delta: added or changed). */
  readonly lastSentResourceCount: number;
  readonly lastAckedVersion: string | null;
  readonly lastAckedAt: string | null;
  readonly lastNack: NackStatus | null;
}

/** One ADS stream. */
export interface ConnectionStatus {
  readonly connectionId: string;
  readonly protocol: 'sotw' | 'delta';
  readonly peer: string;
  readonly nodeId: string;
  readonly nodeCluster: string;
  /** The snapshot key the onConnect callback chose; null until the node is identified. */
  readonly nodeKey: string | null;
  readonly connectedAt: string;
  /** Version of the snapshot the connection serves from (null while none is set for its key). */
  readonly snapshotVersion: string | null;
  readonly types: readonly TypeStatus[];
}

/** Counters of the whole server since it started. */
export interface AdsCounters {
  streamsOpened: number;
  streamsClosed: number;
  requests: number;
  responses: number;
  acks: number;
  nacks: number;
  staleNonces: number;
  protocolErrors: number;
}

/** What `AdsServer.getStatus()` returns for the control plane's debug endpoint. */
export interface AdsStatus {
  readonly connections: readonly ConnectionStatus[];
  readonly snapshots: readonly { readonly nodeKey: string; readonly version: string }[];
  readonly counters: Readonly<AdsCounters>;
}

/** Mutable bookkeeping of one type on one connection, turned into a {@link TypeStatus} on demand. */
export interface TypeRecord {
  lastSentVersion: string | null;
  lastSentNonce: string | null;
  lastSentAt: string | null;
  lastSentResourceCount: number;
  lastAckedVersion: string | null;
  lastAckedAt: string | null;
  lastNack: NackStatus | null;
}

export function emptyTypeRecord(): TypeRecord {
  return {
    lastSentVersion: null,
    lastSentNonce: null,
    lastSentAt: null,
    lastSentResourceCount: 0,
    lastAckedVersion: null,
    lastAckedAt: null,
    lastNack: null,
  };
}

export function emptyCounters(): AdsCounters {
  return {
    streamsOpened: 0,
    streamsClosed: 0,
    requests: 0,
    responses: 0,
    acks: 0,
    nacks: 0,
    staleNonces: 0,
    protocolErrors: 0,
  };
}
