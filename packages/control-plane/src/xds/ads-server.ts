import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  ADS_SERVICE,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  type DiscoveryResponse,
  loadAdsPackageDefinition,
} from '@tandem/xds-proto';
import type { AdsContext, AdsObserver, AdsSink, OnConnect, OnDisconnect } from './ads-connection.ts';
import { type AdsStatus, type ConnectionStatus, emptyCounters } from './connection-status.ts';
import { DeltaConnection } from './delta-connection.ts';
import { deserializeDiscoveryRequest } from './discovery-request-decoding.ts';
import { serializeDiscoveryResponse } from './discovery-response-encoding.ts';
import { NameSets } from './selection.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import { SotwConnection } from './sotw-connection.ts';
import { WriteQueue } from './write-queue.ts';
import { XdsServerError, XdsServerErrorCode, type XdsServerErrorCodeValue } from './xds-server-error.ts';

export interface AdsServerOptions {
  readonly cache: SnapshotCache;
  /** Chooses a node's snapshot key; defaults to the node id. Throw (or reject) to refuse the node. */
  readonly onConnect?: OnConnect;
  readonly onDisconnect?: OnDisconnect;
  readonly observer?: AdsObserver;
  /** Responses being written at once over all streams (default 100, as Istio's push throttle). */
  readonly maxConcurrentWrites?: number;
  /** Wall clock for status timestamps (tests pass a fake). */
  readonly now?: () => number;
  /** Other services served on the same gRPC server by {@link AdsServer.listen} (e.g. the CA). */
  readonly services?: readonly ((server: grpc.Server) => void)[];
}

const STATUS_OF: Readonly<Record<XdsServerErrorCodeValue, grpc.status>> = {
  [XdsServerErrorCode.protocol]: grpc.status.INVALID_ARGUMENT,
  [XdsServerErrorCode.nodeRejected]: grpc.status.PERMISSION_DENIED,
  [XdsServerErrorCode.inconsistentSnapshot]: grpc.status.INTERNAL,
  [XdsServerErrorCode.invalidResource]: grpc.status.INTERNAL,
  [XdsServerErrorCode.bind]: grpc.status.INTERNAL,
};

/** What the server needs of a connection, whatever its protocol. */
interface Served<Request> {
  receive(request: Request): void;
  close(): void;
  status(): ConnectionStatus;
}

interface OpenStream {
  readonly connection: Served<never>;
  /** Ends the gRPC call with UNAVAILABLE, so that the client reconnects (to this or another server). */
  readonly end: () => void;
}

/**
 * The envoy.service.discovery.v3.AggregatedDiscoveryService: state-of-the-world and delta ADS over gRPC,
 * answered from a {@link SnapshotCache}.
 *
 * @example
 * const cache = new SnapshotCache();
 * const ads = new AdsServer({ cache, onConnect: (node) => node.id });
 * const port = await ads.listen('127.0.0.1:0');
 * cache.setSnapshot('node-1', buildSnapshot('1', resources));
 */
export class AdsServer {
  readonly #cache: SnapshotCache;
  readonly #context: AdsContext;
  readonly #streams = new Map<string, OpenStream>();
  readonly #services: readonly ((server: grpc.Server) => void)[];
  readonly #bootId = randomBytes(4).toString('hex');
  readonly #observer: AdsObserver | undefined;
  readonly #writes: WriteQueue;
  #nonce = 0;
  #connectionCount = 0;
  /** One gRPC server per {@link AdsServer.listen} (e.g. loopback and a pod bridge). */
  #servers: grpc.Server[] = [];

  constructor(options: AdsServerOptions) {
    this.#cache = options.cache;
    this.#services = options.services ?? [];
    this.#observer = options.observer;
    this.#writes = new WriteQueue({ maxInFlight: options.maxConcurrentWrites ?? 100, slowWriteMs: 5_000 });
    this.#context = {
      cache: options.cache,
      onConnect: options.onConnect ?? ((node) => node.id),
      onDisconnect: options.onDisconnect,
      counters: emptyCounters(),
      observer: options.observer,
      now: options.now ?? Date.now,
      nextNonce: () => `${this.#bootId}-${++this.#nonce}`,
      nameSets: new NameSets(),
    };
  }

  /** Adds the ADS service to a gRPC server the caller runs (e.g. next to other control-plane services). */
  addTo(server: grpc.Server): void {
    server.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) =>
        this.#serve(call, (id, peer, sink) => new SotwConnection(id, peer, this.#context, sink)),
      DeltaAggregatedResources: (
        call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>,
      ) => this.#serve(call, (id, peer, sink) => new DeltaConnection(id, peer, this.#context, sink)),
    });
  }

  /**
   * Starts a gRPC server of its own on `address` (`host:port`, port 0 for any) and resolves to the bound port.
   * May be called again for more addresses; every stream shares this server's cache and state.
   *
   * @throws {XdsServerError} `TANDEM_ERR_XDS_BIND` when the address cannot be bound.
   */
  async listen(
    address = '127.0.0.1:0',
    credentials = grpc.ServerCredentials.createInsecure(),
  ): Promise<number> {
    const server = new grpc.Server();
    this.addTo(server);
    for (const add of this.#services) add(server);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials, (error, bound) => {
        if (error === null) resolve(bound);
        else
          reject(
            new XdsServerError(XdsServerErrorCode.bind, `cannot bind ${address}: ${error.message}`, {
              cause: error,
            }),
          );
      });
    });
    this.#servers.push(server);
    return port;
  }

  /** Ends every open stream (UNAVAILABLE) and stops the servers started by {@link listen}, if any. */
  async close(): Promise<void> {
    for (const stream of [...this.#streams.values()]) stream.end();
    this.#streams.clear();
    for (const server of this.#servers.splice(0)) server.forceShutdown();
  }

  #serve<Request, Response>(
    call: grpc.ServerDuplexStream<Request, Response>,
    create: (id: string, peer: string, sink: AdsSink<Response>) => Served<Request>,
  ): void {
    const id = `${this.#bootId}-c${++this.#connectionCount}`;
    // Responses are counted (observer.onResponse) when a connection sends them; a write that
    // fails here, later, is counted as a send error.
    const writer = this.#writes.writer((response, done) => {
      if (call.writableEnded || call.cancelled) return done();
      try {
        call.write(response as Response, () => done());
      } catch {
        this.#observer?.onSendError?.((response as { type_url?: string }).type_url ?? '');
        done();
      }
    });
    const sink: AdsSink<Response> = {
      send: (response) => writer.send(response),
      fail: (code, message) => {
        if (!call.writableEnded)
          call.emit('error', { code: STATUS_OF[code], details: `${message} [${code}]` });
      },
    };
    const connection = create(id, call.getPeer(), sink);
    const finish = () => {
      writer.close();
      connection.close();
      this.#streams.delete(id);
    };
    const end = () => {
      finish();
      if (!call.writableEnded)
        call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'xDS server shutting down' });
    };
    this.#streams.set(id, { connection, end });
    call.on('data', (request: Request) => connection.receive(request));
    call.on('end', () => {
      finish();
      if (!call.writableEnded) call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  }

  /** Responses being written now (at most `maxConcurrentWrites`). */
  get writesInFlight(): number {
    return this.#writes.inFlight;
  }

  /** Every open stream with its node and per-type state, the snapshot of every node key, and counters. */
  getStatus(): AdsStatus {
    return {
      connections: [...this.#streams.values()].map((stream) => stream.connection.status()),
      snapshots: this.#cache.nodeKeys().map((nodeKey) => ({
        nodeKey,
        version: this.#cache.getSnapshot(nodeKey)!.version,
      })),
      counters: { ...this.#context.counters },
    };
  }
}

/**
 * The ADS service, with state-of-the-world responses serialized from their pre-encoded parts and
 * requests read with their resource names left encoded until needed.
 */
function adsServiceDefinition(): grpc.ServiceDefinition {
  const service = loadAdsPackageDefinition()[ADS_SERVICE] as unknown as grpc.ServiceDefinition;
  const sotw = service.StreamAggregatedResources!;
  return {
    ...service,
    StreamAggregatedResources: {
      ...sotw,
      requestDeserialize: deserializeDiscoveryRequest(sotw.requestDeserialize as (bytes: Buffer) => unknown),
      responseSerialize: serializeDiscoveryResponse(sotw.responseSerialize as (value: unknown) => Buffer),
    },
  };
}
