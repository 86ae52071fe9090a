/** Messages between the bench and its client worker threads. */
import type { LoadClientSpec } from './ads-load-client.ts';

export interface WorkerInput {
  readonly address: string;
  readonly clients: readonly LoadClientSpec[];
}

export type ToWorker =
  /** Open every client's stream (after the worker said it is loaded). */
  | { kind: 'connect' }
  /** Start timing a change: report clients whose response of `typeUrl` contains `marker`. */
  | { kind: 'watch'; round: number; typeUrl: string; marker: string }
  | { kind: 'collect' }
  | { kind: 'stop' };

export interface ClientTypeStats {
  typeUrl: string;
  /** Last version ACKed (SotW version_info; delta system_version_info). */
  version: string;
  responses: number;
  acks: number;
  /** Resources in the last response (SotW) or held (delta). */
  resources: number;
  /** Names subscribed (EDS, RDS). */
  subscribed: number;
}

export interface ClientStats {
  index: number;
  protocol: 'sotw' | 'delta';
  syncedAt: number | null;
  error: string | null;
  bytesReceived: number;
  /** Responses ACKed since the last watch began. */
  roundResponses: number;
  types: ClientTypeStats[];
}

export type FromWorker =
  | { kind: 'loaded' }
  | { kind: 'synced'; clients: { index: number; at: number }[] }
  | { kind: 'watching'; round: number }
  | { kind: 'hits'; round: number; hits: { index: number; at: number }[] }
  | { kind: 'stats'; clients: ClientStats[] }
  | { kind: 'error'; index: number; message: string }
  | { kind: 'stopped' };
