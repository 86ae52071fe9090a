/**
 * A worker thread running a share of the bench's ADS clients. It connects them, reports when each
 * is in sync, and during a measured change reports, per client, when it ACKed the first response
 * that carries the change (found by a marker string in the response bytes: a new endpoint
 * address, a new route header value).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getXdsRoot } from '@tandem/xds-proto';
import { AdsLoadClient, CLIENT_TYPES, type LoadClientSpec } from './ads-load-client.ts';
import type { ClientStats, FromWorker, ToWorker, WorkerInput } from './worker-protocol.ts';

const FLUSH_MS = 20;

interface Watch {
  readonly round: number;
  readonly typeUrl: string;
  readonly marker: Buffer;
  readonly seen: Set<number>;
  /** Per client: responses of any type ACKed since the watch began. */
  readonly responses: Map<number, number>;
}

const input = workerData as WorkerInput;
const port = parentPort!;
let watch: Watch | undefined;
let pendingHits: { index: number; at: number }[] = [];
let pendingSynced: { index: number; at: number }[] = [];
let flushTimer: NodeJS.Timeout | undefined;

function post(message: FromWorker): void {
  port.postMessage(message);
}

function scheduleFlush(): void {
  flushTimer ??= setTimeout(flush, FLUSH_MS);
}

function flush(): void {
  flushTimer = undefined;
  if (pendingSynced.length > 0) post({ kind: 'synced', clients: pendingSynced });
  if (pendingHits.length > 0 && watch !== undefined)
    post({ kind: 'hits', round: watch.round, hits: pendingHits });
  pendingSynced = [];
  pendingHits = [];
}

function onAck(client: AdsLoadClient, typeUrl: string, raw: Buffer, at: number): void {
  const w = watch;
  if (w === undefined) return;
  const index = client.spec.index;
  w.responses.set(index, (w.responses.get(index) ?? 0) + 1);
  if (typeUrl !== w.typeUrl || w.seen.has(index) || raw.indexOf(w.marker) < 0) return;
  w.seen.add(index);
  pendingHits.push({ index, at });
  scheduleFlush();
}

function onError(client: AdsLoadClient, message: string): void {
  post({ kind: 'error', index: client.spec.index, message });
}

const clients = input.clients.map(
  (spec: LoadClientSpec) => new AdsLoadClient(spec, input.address, { onAck, onError }),
);
// Load the protos now, not during the measured sync.
getXdsRoot();
post({ kind: 'loaded' });

function connect(): void {
  for (const client of clients) {
    client.start(() => {
      pendingSynced.push({ index: client.spec.index, at: client.syncedAt! });
      scheduleFlush();
    });
  }
}

function stats(): ClientStats[] {
  return clients.map((client) => ({
    index: client.spec.index,
    protocol: client.spec.protocol,
    syncedAt: client.syncedAt ?? null,
    error: client.error ?? null,
    bytesReceived: client.bytesReceived,
    roundResponses: watch?.responses.get(client.spec.index) ?? 0,
    types: CLIENT_TYPES.map((typeUrl) => {
      const state = client.types.get(typeUrl)!;
      return {
        typeUrl,
        version: state.version,
        responses: state.responses,
        acks: state.acks,
        resources: state.resources,
        subscribed: client.subscribed(typeUrl).length,
      };
    }),
  }));
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'connect') {
    connect();
  } else if (message.kind === 'watch') {
    flush();
    watch = {
      round: message.round,
      typeUrl: message.typeUrl,
      marker: Buffer.from(message.marker),
      seen: new Set(),
      responses: new Map(),
    };
    post({ kind: 'watching', round: message.round });
  } else if (message.kind === 'collect') {
    flush();
    post({ kind: 'stats', clients: stats() });
  } else if (message.kind === 'stop') {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    for (const client of clients) client.close();
    post({ kind: 'stopped' });
    port.close();
  }
});
