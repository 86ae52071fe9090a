import type { WireNode } from '@tandem/xds-proto';
import type { AdsCounters, ConnectionStatus, TypeStatus } from './connection-status.ts';
import type { NameSets } from './selection.ts';
import type { Snapshot } from './snapshot.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import { nodeFromWire, type XdsNode } from './xds-node.ts';
import { XdsServerErrorCode, type XdsServerErrorCodeValue } from './xds-server-error.ts';

/** Chooses the snapshot key of a node (the translation layer decides what a node gets). */
export type OnConnect = (node: XdsNode) => string | Promise<string>;
export type OnDisconnect = (node: XdsNode, nodeKey: string) => void;

/** Hooks for metrics; must not throw. */
export interface AdsObserver {
  onResponse?(typeUrl: string): void;
  onSendError?(typeUrl: string): void;
  onAck?(typeUrl: string): void;
  onNack?(typeUrl: string): void;
}

/** What every connection shares with its server. */
export interface AdsContext {
  readonly cache: SnapshotCache;
  readonly onConnect: OnConnect;
  readonly onDisconnect: OnDisconnect | undefined;
  readonly counters: AdsCounters;
  /** Told of every response, ACK and NACK by type URL (control-plane metrics). */
  readonly observer: AdsObserver | undefined;
  /** Wall clock in milliseconds (injectable for tests). */
  readonly now: () => number;
  /** A nonce no other response of this server carries. */
  readonly nextNonce: () => string;
  /** Subscribed name sets, shared between the connections that subscribe to equal ones. */
  readonly nameSets: NameSets;
}

/** Where a connection writes: the gRPC call, seen through what a connection needs. */
export interface AdsSink<Response> {
  send(response: Response): void;
  /** Ends the stream with an error status. */
  fail(code: XdsServerErrorCodeValue, message: string): void;
}

interface RequestWithNode {
  readonly node: WireNode | null;
  readonly type_url: string;
}

/**
 * One ADS stream: identifies its node from the first request, follows the snapshot of the node's key, and
 * hands requests and snapshots to the protocol (state of the world or delta) implemented by a subclass.
 */
export abstract class AdsConnection<Request extends RequestWithNode, Response> {
  readonly id: string;
  readonly peer: string;
  readonly connectedAt: number;
  protected readonly context: AdsContext;
  protected readonly sink: AdsSink<Response>;
  protected snapshot: Snapshot | undefined;
  #node: XdsNode | undefined;
  #nodeKey: string | undefined;
  #queued: Request[] | undefined;
  #unwatch: (() => void) | undefined;
  #closed = false;

  constructor(id: string, peer: string, context: AdsContext, sink: AdsSink<Response>) {
    this.id = id;
    this.peer = peer;
    this.context = context;
    this.sink = sink;
    this.connectedAt = context.now();
    context.counters.streamsOpened++;
  }

  abstract readonly protocol: 'sotw' | 'delta';
  /** Handles one request of an identified node. */
  protected abstract handle(request: Request): void;
  /** Pushes what changed between the previous snapshot (if any) and the current one. */
  protected abstract pushChanges(previous: Snapshot | undefined): void;
  protected abstract typeStatuses(): TypeStatus[];

  receive(request: Request): void {
    if (this.#closed) return;
    this.context.counters.requests++;
    if (this.#queued !== undefined) this.#queued.push(request);
    else if (this.#nodeKey !== undefined) this.#handleSafely(request);
    else this.#identify(request);
  }

  #identify(request: Request): void {
    if (request.node === null || request.node === undefined) {
      this.fail(XdsServerErrorCode.protocol, 'the first request of a stream must carry the node');
      return;
    }
    const node = nodeFromWire(request.node);
    this.#node = node;
    let key: string | Promise<string>;
    try {
      key = this.context.onConnect(node);
    } catch (error) {
      this.#reject(error);
      return;
    }
    if (typeof key === 'string') {
      this.#start(key, [request]);
      return;
    }
    this.#queued = [request];
    key.then(
      (resolved) => this.#start(resolved, this.#queued ?? []),
      (error: unknown) => this.#reject(error),
    );
  }

  #reject(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.fail(XdsServerErrorCode.nodeRejected, `node "${this.#node?.id}" was refused: ${reason}`);
  }

  #start(nodeKey: string, requests: Request[]): void {
    this.#queued = undefined;
    if (this.#closed) return;
    this.#nodeKey = nodeKey;
    this.snapshot = this.context.cache.getSnapshot(nodeKey);
    this.#unwatch = this.context.cache.watch(nodeKey, (snapshot) => this.#onSnapshot(snapshot));
    for (const request of requests) this.#handleSafely(request);
  }

  #onSnapshot(snapshot: Snapshot): void {
    if (this.#closed) return;
    const previous = this.snapshot;
    this.snapshot = snapshot;
    this.#guard(() => this.pushChanges(previous));
  }

  #handleSafely(request: Request): void {
    if (typeof request.type_url !== 'string' || request.type_url === '') {
      this.fail(XdsServerErrorCode.protocol, 'requests on an aggregated stream must carry type_url');
      return;
    }
    this.#guard(() => this.handle(request));
  }

  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.fail(XdsServerErrorCode.protocol, `internal error: ${reason}`);
    }
  }

  /** Ends the stream with an error and forgets the connection. */
  protected fail(code: XdsServerErrorCodeValue, message: string): void {
    if (this.#closed) return;
    this.context.counters.protocolErrors++;
    this.sink.fail(code, message);
    this.close();
  }

  /** Stops following snapshots and reports the disconnect (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch?.();
    this.context.counters.streamsClosed++;
    if (this.#node !== undefined && this.#nodeKey !== undefined) {
      this.context.onDisconnect?.(this.#node, this.#nodeKey);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Records a response as sent: counts it and writes it. */
  protected send(response: Response): void {
    this.context.counters.responses++;
    const typeUrl = (response as { type_url?: string }).type_url ?? '';
    try {
      this.sink.send(response);
    } catch (err) {
      this.context.observer?.onSendError?.(typeUrl);
      throw err;
    }
    this.context.observer?.onResponse?.(typeUrl);
  }

  protected isoNow(): string {
    return new Date(this.context.now()).toISOString();
  }

  status(): ConnectionStatus {
    return {
      connectionId: this.id,
      protocol: this.protocol,
      peer: this.peer,
      nodeId: this.#node?.id ?? '',
      nodeCluster: this.#node?.cluster ?? '',
      nodeKey: this.#nodeKey ?? null,
      connectedAt: new Date(this.connectedAt).toISOString(),
      snapshotVersion: this.snapshot?.version ?? null,
      types: this.typeStatuses(),
    };
  }
}
