/**
 * A lightweight ADS client that behaves like an Envoy sidecar on the wire: it subscribes to CDS
 * and LDS (wildcard), follows them with EDS and RDS subscriptions by name, and ACKs every
 * response. State of the world or delta. It never NACKs and never builds config: it exists to load
 * the control plane and to report when it ACKed what.
 */
import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, loadAdsPackageDefinition, TypeUrls } from '@tandem/xds-proto';
import { edsName, routeNames, VersionMemo } from './resource-names.ts';
import {
  decodeAny,
  decodeDeltaResponse,
  decodeSotwResponse,
  encodeSotwRequest,
  type SotwRequest,
} from './wire.ts';

const CDS = TypeUrls.cluster;
const EDS = TypeUrls.clusterLoadAssignment;
const LDS = TypeUrls.listener;
const RDS = TypeUrls.routeConfiguration;
export const CLIENT_TYPES = [CDS, EDS, LDS, RDS] as const;

/** The node a client sends, in proto-loader's shape. */
export interface WireNodeJson {
  id: string;
  cluster: string;
  metadata: { fields: Record<string, unknown> };
  locality: { region: string; zone: string; sub_zone: string };
  user_agent_name: string;
}

export interface LoadClientSpec {
  readonly index: number;
  readonly protocol: 'sotw' | 'delta';
  readonly node: WireNodeJson;
}

export interface LoadClientEvents {
  /** Called after the client has written its ACK of a response. */
  onAck(client: AdsLoadClient, typeUrl: string, raw: Buffer, atMs: number): void;
  /** The stream failed, or a response could not be read. */
  onError(client: AdsLoadClient, message: string): void;
}

export interface TypeState {
  /** SotW: version_info of the last response ACKed; delta: its system_version_info. */
  version: string;
  nonce: string;
  responses: number;
  acks: number;
  resources: number;
  /** A request was sent that the server still owes an answer to. */
  awaiting: boolean;
}

/** The bench's clock: wall time in ms with sub-ms resolution, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

type AdsStub = grpc.Client & {
  StreamAggregatedResources(): grpc.ClientDuplexStream<unknown, Buffer>;
  DeltaAggregatedResources(): grpc.ClientDuplexStream<unknown, Buffer>;
};

let stubConstructor: grpc.ServiceClientConstructor | undefined;

/** The ADS service with responses left as bytes (decoded by {@link decodeSotwResponse}). */
function adsStubConstructor(): grpc.ServiceClientConstructor {
  if (stubConstructor !== undefined) return stubConstructor;
  const service = loadAdsPackageDefinition()[ADS_SERVICE] as unknown as grpc.ServiceDefinition;
  const raw = (method: grpc.MethodDefinition<unknown, unknown>) => ({
    ...method,
    responseDeserialize: (bytes: Buffer) => bytes,
  });
  const sotw = service.StreamAggregatedResources!;
  stubConstructor = grpc.makeGenericClientConstructor(
    {
      StreamAggregatedResources: {
        ...raw(sotw),
        // ACKs repeat the same (long) list of names: encode it once per list.
        requestSerialize: (request: Record<string, unknown>) =>
          request.node === undefined
            ? encodeSotwRequest(request as unknown as SotwRequest)
            : sotw.requestSerialize(request),
      },
      DeltaAggregatedResources: raw(service.DeltaAggregatedResources!),
    },
    'AggregatedDiscoveryService',
  );
  return stubConstructor;
}

/** Per-process memo of decoded names, shared by every client in the process. */
const edsNamesBySotwVersion = new VersionMemo<string[]>();
const routeNamesBySotwVersion = new VersionMemo<string[]>();
const edsNameByResourceVersion = new VersionMemo<string | undefined>();
const routeNamesByResourceVersion = new VersionMemo<string[]>();

export class AdsLoadClient {
  readonly spec: LoadClientSpec;
  readonly types = new Map<string, TypeState>();
  readonly #stub: AdsStub;
  readonly #events: LoadClientEvents;
  #call: grpc.ClientDuplexStream<unknown, Buffer> | undefined;
  #nodeSent = false;
  #syncedAt: number | undefined;
  #onSynced: ((client: AdsLoadClient) => void) | undefined;
  /** Delta: what the client holds per type, name -> version, and names derived per resource. */
  readonly #held = new Map<string, Map<string, string>>();
  readonly #derived = new Map<string, Map<string, readonly string[]>>();
  /** Names subscribed per type (EDS, RDS). */
  readonly #names = new Map<string, readonly string[]>();
  error: string | undefined;
  bytesReceived = 0;

  constructor(spec: LoadClientSpec, address: string, events: LoadClientEvents) {
    this.spec = spec;
    this.#events = events;
    const Stub = adsStubConstructor();
    this.#stub = new Stub(address, grpc.credentials.createInsecure(), {
      // One HTTP/2 connection per client, as separate proxies would have.
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': -1,
      // A receive window like Envoy's (its HTTP/2 default is 256 MiB), not grpc-js' 64 KiB, with
      // which every large response would wait on window updates from a busy client.
      'grpc-node.flow_control_window': 16 * 1024 * 1024,
    }) as unknown as AdsStub;
    for (const typeUrl of CLIENT_TYPES) {
      this.types.set(typeUrl, {
        version: '',
        nonce: '',
        responses: 0,
        acks: 0,
        resources: 0,
        awaiting: false,
      });
    }
  }

  get syncedAt(): number | undefined {
    return this.#syncedAt;
  }

  /** Opens the stream and subscribes to CDS and LDS; `onSynced` once all four types are answered. */
  start(onSynced: (client: AdsLoadClient) => void): void {
    this.#onSynced = onSynced;
    const call =
      this.spec.protocol === 'sotw'
        ? this.#stub.StreamAggregatedResources()
        : this.#stub.DeltaAggregatedResources();
    this.#call = call;
    call.on('data', (bytes: Buffer) => this.#receive(bytes));
    call.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) this.#fail(`stream ended: ${error.code} ${error.details}`);
    });
    for (const typeUrl of [CDS, LDS]) {
      this.types.get(typeUrl)!.awaiting = true;
      if (this.spec.protocol === 'sotw') this.#write({ type_url: typeUrl, resource_names: [] });
      else this.#write({ type_url: typeUrl, resource_names_subscribe: [] });
    }
  }

  close(): void {
    this.#call?.cancel();
    this.#stub.close();
  }

  #write(request: Record<string, unknown>): void {
    if (!this.#nodeSent) {
      request.node = this.spec.node;
      this.#nodeSent = true;
    }
    this.#call?.write(request);
  }

  #receive(bytes: Buffer): void {
    this.bytesReceived += bytes.length;
    try {
      if (this.spec.protocol === 'sotw') this.#receiveSotw(bytes);
      else this.#receiveDelta(bytes);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
    }
  }

  #fail(message: string): void {
    this.error ??= message;
    this.#events.onError(this, message);
  }

  #receiveSotw(bytes: Buffer): void {
    const response = decodeSotwResponse(bytes);
    const state = this.#state(response.typeUrl);
    state.responses++;
    state.awaiting = false;
    if (response.typeUrl === CDS) {
      const names = edsNamesBySotwVersion.get(response.versionInfo, () =>
        namesOf(response.resources, edsName),
      );
      this.#resubscribeSotw(EDS, names);
    } else if (response.typeUrl === LDS) {
      const names = routeNamesBySotwVersion.get(response.versionInfo, () =>
        response.resources.flatMap((any) => routeNames(decodeAny(any).value)),
      );
      this.#resubscribeSotw(RDS, names);
    }
    state.version = response.versionInfo;
    state.nonce = response.nonce;
    state.resources = response.resources.length;
    this.#write({
      type_url: response.typeUrl,
      version_info: response.versionInfo,
      response_nonce: response.nonce,
      resource_names: this.#names.get(response.typeUrl) ?? [],
    });
    this.#acked(response.typeUrl, state, bytes);
  }

  /** Subscribes to a new set of names (in the request that also carries the type's last ACK state). */
  #resubscribeSotw(typeUrl: string, names: readonly string[]): void {
    const sorted = [...new Set(names)].sort();
    if (sameList(sorted, this.#names.get(typeUrl) ?? [])) return;
    this.#names.set(typeUrl, sorted);
    const state = this.#state(typeUrl);
    state.awaiting = true;
    this.#write({
      type_url: typeUrl,
      version_info: state.version,
      response_nonce: state.nonce,
      resource_names: sorted,
    });
  }

  #receiveDelta(bytes: Buffer): void {
    const response = decodeDeltaResponse(bytes);
    const state = this.#state(response.typeUrl);
    state.responses++;
    state.awaiting = false;
    const held = this.#heldOf(response.typeUrl);
    const derived = this.#derivedOf(response.typeUrl);
    for (const name of response.removedResources) {
      held.delete(name);
      derived.delete(name);
    }
    for (const resource of response.resources) {
      held.set(resource.name, resource.version);
      if (resource.resource === undefined) continue;
      if (response.typeUrl === CDS) {
        const eds = edsNameByResourceVersion.get(resource.version, () => edsName(resource.resource!.value));
        derived.set(resource.name, eds === undefined ? [] : [eds]);
      } else if (response.typeUrl === LDS) {
        derived.set(
          resource.name,
          routeNamesByResourceVersion.get(resource.version, () => routeNames(resource.resource!.value)),
        );
      }
    }
    if (response.typeUrl === CDS) this.#resubscribeDelta(EDS, derived);
    else if (response.typeUrl === LDS) this.#resubscribeDelta(RDS, derived);
    state.version = response.systemVersionInfo;
    state.nonce = response.nonce;
    state.resources = held.size;
    this.#write({ type_url: response.typeUrl, response_nonce: response.nonce });
    this.#acked(response.typeUrl, state, bytes);
  }

  #resubscribeDelta(typeUrl: string, derived: Map<string, readonly string[]>): void {
    const next = new Set<string>();
    for (const names of derived.values()) for (const name of names) next.add(name);
    const current = new Set(this.#names.get(typeUrl) ?? []);
    const subscribe = [...next].filter((name) => !current.has(name)).sort();
    const unsubscribe = [...current].filter((name) => !next.has(name)).sort();
    if (subscribe.length === 0 && unsubscribe.length === 0) return;
    this.#names.set(typeUrl, [...next].sort());
    if (subscribe.length > 0) this.#state(typeUrl).awaiting = true;
    for (const name of unsubscribe) this.#heldOf(typeUrl).delete(name);
    this.#write({
      type_url: typeUrl,
      resource_names_subscribe: subscribe,
      resource_names_unsubscribe: unsubscribe,
    });
  }

  #acked(typeUrl: string, state: TypeState, bytes: Buffer): void {
    state.acks++;
    const at = nowMs();
    this.#events.onAck(this, typeUrl, bytes, at);
    if (this.#syncedAt === undefined && this.#isSynced()) {
      this.#syncedAt = at;
      this.#onSynced?.(this);
    }
  }

  #isSynced(): boolean {
    for (const state of this.types.values()) if (state.responses === 0 || state.awaiting) return false;
    return true;
  }

  #state(typeUrl: string): TypeState {
    const state = this.types.get(typeUrl);
    if (state === undefined) throw new Error(`response of a type never requested: ${typeUrl}`);
    return state;
  }

  #heldOf(typeUrl: string): Map<string, string> {
    let held = this.#held.get(typeUrl);
    if (held === undefined) this.#held.set(typeUrl, (held = new Map()));
    return held;
  }

  #derivedOf(typeUrl: string): Map<string, readonly string[]> {
    let derived = this.#derived.get(typeUrl);
    if (derived === undefined) this.#derived.set(typeUrl, (derived = new Map()));
    return derived;
  }

  /** Names subscribed for EDS or RDS. */
  subscribed(typeUrl: string): readonly string[] {
    return this.#names.get(typeUrl) ?? [];
  }
}

function namesOf(resources: readonly Buffer[], read: (bytes: Buffer) => string | undefined): string[] {
  const names: string[] = [];
  for (const any of resources) {
    const name = read(decodeAny(any).value);
    if (name !== undefined) names.push(name);
  }
  return names;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
