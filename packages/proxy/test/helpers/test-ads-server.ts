/**
 * A minimal state-of-the-world ADS server for tests, on @grpc/grpc-js and the xDS protos: one
 * snapshot (version + resources) per type; every stream gets the current snapshot of each type it
 * subscribes to, again whenever the snapshot changes or (RDS/EDS) its names change, and never
 * twice the same version (a NACKed version is not resent). Every request is recorded, so tests
 * can assert on the server's view: the node, ACKs, NACKs and their error_detail.
 */
import * as grpc from '@grpc/grpc-js';
import {
  ADS_SERVICE,
  type DiscoveryRequest,
  type DiscoveryResponse,
  loadAdsPackageDefinition,
  toAny,
} from '@tandem/xds-proto';

type Json = Record<string, unknown>;
type Call = grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;

export interface RecordedRequest extends DiscoveryRequest {
  /** Which stream (1, 2, ...) it came on. */
  readonly stream: number;
}

interface Snapshot {
  readonly version: string;
  readonly resources: Json[];
}

interface StreamState {
  readonly id: number;
  readonly call: Call;
  readonly names: Map<string, string[]>;
  readonly sentVersion: Map<string, string>;
  readonly sentNonce: Map<string, string>;
}

const COMPLETE_SET = new Set([
  'type.googleapis.com/envoy.config.listener.v3.Listener',
  'type.googleapis.com/envoy.config.cluster.v3.Cluster',
]);

export class TestAdsServer {
  readonly requests: RecordedRequest[] = [];
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly streams = new Set<StreamState>();
  private server: grpc.Server | undefined;
  private portValue = 0;
  private streamCount = 0;
  private nonceCount = 0;

  /** Starts on 127.0.0.1:`port` (0: any). */
  static async start(port = 0): Promise<TestAdsServer> {
    const s = new TestAdsServer();
    await s.listen(port);
    return s;
  }

  get port(): number {
    return this.portValue;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Replaces a type's snapshot and pushes it to every stream subscribed to the type. */
  set(typeUrl: string, version: string, resources: Json[]): void {
    this.snapshots.set(typeUrl, { version, resources });
    for (const s of this.streams) if (s.names.has(typeUrl)) this.respond(s, typeUrl);
  }

  /** Requests of a type, optionally only those after index `from`. */
  requestsOf(typeUrl: string, from = 0): RecordedRequest[] {
    return this.requests.slice(from).filter((r) => r.type_url === typeUrl);
  }

  /** The ACK of `version` for a type, if received. */
  ackOf(typeUrl: string, version: string): RecordedRequest | undefined {
    return this.requestsOf(typeUrl).find(
      (r) => r.version_info === version && r.response_nonce !== '' && r.error_detail === null,
    );
  }

  nacksOf(typeUrl: string): RecordedRequest[] {
    return this.requestsOf(typeUrl).filter((r) => r.error_detail !== null);
  }

  /** Stops serving (streams break); snapshots are kept for `restart`. */
  async stop(): Promise<void> {
    for (const s of this.streams) s.call.destroy(new Error('server stopping'));
    this.streams.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  /** Listens again on the same port. */
  restart(): Promise<void> {
    return this.listen(this.portValue);
  }

  private listen(port: number): Promise<void> {
    const server = new grpc.Server();
    const service = loadAdsPackageDefinition()[ADS_SERVICE] as grpc.ServiceDefinition;
    server.addService(service, {
      StreamAggregatedResources: (call: Call) => this.onStream(call),
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, unknown>) =>
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'delta xDS is not served here' }),
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (err !== null) return reject(err);
        this.portValue = bound;
        resolve();
      });
    });
  }

  private onStream(call: Call): void {
    const state: StreamState = {
      id: ++this.streamCount,
      call,
      names: new Map(),
      sentVersion: new Map(),
      sentNonce: new Map(),
    };
    this.streams.add(state);
    call.on('data', (req: DiscoveryRequest) => this.onRequest(state, req));
    call.on('error', () => this.streams.delete(state));
    call.on('end', () => {
      this.streams.delete(state);
      call.end();
    });
  }

  private onRequest(s: StreamState, req: DiscoveryRequest): void {
    this.requests.push({ ...req, stream: s.id });
    const type = req.type_url;
    const known = s.sentNonce.get(type);
    if (req.response_nonce !== '' && known !== undefined && req.response_nonce !== known) return; // stale
    const names = [...req.resource_names].sort();
    const before = s.names.get(type);
    const namesChanged = before === undefined || before.join('\0') !== names.join('\0');
    s.names.set(type, names);
    if (req.error_detail !== null && !namesChanged) return; // NACK: wait for a new snapshot
    if (namesChanged && !COMPLETE_SET.has(type)) s.sentVersion.delete(type);
    this.respond(s, type);
  }

  private respond(s: StreamState, type: string): void {
    const snap = this.snapshots.get(type);
    if (snap === undefined || s.sentVersion.get(type) === snap.version) return;
    const names = new Set(s.names.get(type) ?? []);
    const wanted = COMPLETE_SET.has(type)
      ? snap.resources
      : snap.resources.filter((r) => names.has(String(r.name ?? r.cluster_name)));
    const nonce = String(++this.nonceCount);
    s.sentVersion.set(type, snap.version);
    s.sentNonce.set(type, nonce);
    s.call.write({
      version_info: snap.version,
      resources: wanted.map((r) => toAny(type, r)),
      type_url: type,
      nonce,
    });
  }
}
