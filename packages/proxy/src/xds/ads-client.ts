/**
 * The proxy's xDS client: one state-of-the-world ADS stream to the management server named by
 * `dynamic_resources.ads_config`. It subscribes in Envoy's order (CDS, then EDS for the clusters'
 * service names; once clusters are warm, LDS, then RDS for the listeners' route names), decodes
 * and validates every response, applies it through the proxy's apply API, and ACKs it, or NACKs
 * it whole (keeping the previous config of that type) with every problem in error_detail. A
 * broken stream is retried with jittered exponential backoff (0.5 s up to 30 s) while the last
 * applied config keeps serving; a new stream resends every subscription with the last accepted
 * versions.
 */
import type { DiscoveryResponse } from '@tandem/xds-proto/client';
import type { Gauge, StatsStore } from '../stats/stats.ts';
import { AdsStream } from './ads-stream.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { decodeResponse } from './decode-response.ts';
import { buildNode } from './discovery-request.ts';
import { type XdsKind, xdsTypeOf } from './resource-types.ts';
import { Subscription } from './subscription.ts';
import type { XdsClientHandle, XdsTarget } from './xds-target.ts';

/** The order subscriptions are (re)sent in. */
const ORDER: readonly XdsKind[] = ['sds', 'cds', 'eds', 'lds', 'rds'];
const MAX_ERROR_DETAIL = 8192;

export interface AdsClientOptions {
  readonly stats: StatsStore;
  readonly log: (line: string) => void;
  readonly backoff?: Partial<BackoffOptions>;
}

export class AdsClient implements XdsClientHandle {
  readonly initialized: Promise<void>;
  private readonly target: XdsTarget;
  private readonly options: AdsClientOptions;
  private readonly subs: Record<XdsKind, Subscription>;
  private readonly backoff: Backoff;
  private readonly connectedState: Gauge;
  private readonly node: Record<string, unknown>;
  private stream: AdsStream | undefined;
  private nodeSent = false;
  private processing: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(target: XdsTarget, options: AdsClientOptions) {
    this.target = target;
    this.options = options;
    this.backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...options.backoff });
    this.connectedState = options.stats.gauge('control_plane.connected_state');
    this.node = buildNode(target.bootstrap.node);
    const sub = (kind: XdsKind) => new Subscription(kind, options.stats);
    this.subs = { sds: sub('sds'), cds: sub('cds'), eds: sub('eds'), lds: sub('lds'), rds: sub('rds') };
    this.connect();
    this.initialized = this.initialize();
  }

  /** Closes the stream and stops reconnecting; the applied config stays. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.stream?.close();
    this.stream = undefined;
    this.connectedState.set(0);
    for (const s of Object.values(this.subs)) s.cancelWait();
  }

  // ------------------------------------------------------------ initialization (Envoy's order)

  private async initialize(): Promise<void> {
    const dynamic = this.target.bootstrap.dynamicResources!;
    this.updateNames('sds', this.target.sdsSecretNames());
    this.updateNames('eds', this.target.edsServiceNames());
    if (dynamic.cds !== undefined) {
      this.subscribe('cds');
      await this.waitFirst('cds', dynamic.cds.initialFetchTimeoutMs);
      await this.target.whenClustersWarm();
    }
    this.updateNames('rds', this.target.routeConfigNames());
    if (dynamic.lds !== undefined) {
      this.subscribe('lds');
      await this.waitFirst('lds', dynamic.lds.initialFetchTimeoutMs);
      await this.target.whenListenersWarm();
    }
  }

  private async waitFirst(kind: XdsKind, timeoutMs: number): Promise<void> {
    const timedOut = await this.subs[kind].waitFirstResponse(timeoutMs);
    if (timedOut && !this.stopped)
      this.log(
        `${kind}: no response within the initial fetch timeout (${timeoutMs} ms); going on without it`,
      );
  }

  // ------------------------------------------------------------ subscriptions

  /** Subscribes to every resource of a complete-set type (LDS, CDS). */
  private subscribe(kind: XdsKind): void {
    const sub = this.subs[kind];
    if (sub.active) return;
    sub.active = true;
    this.send(sub);
  }

  /** Sets the names of an RDS/EDS subscription; names no longer wanted are dropped from the proxy. */
  private updateNames(kind: 'eds' | 'rds' | 'sds', names: readonly string[]): void {
    const sub = this.subs[kind];
    const removed = sub.setNames(names);
    if (removed === undefined) return;
    if (removed.length > 0) void sub.type.apply(this.target, [], { removed });
    if (!sub.active && names.length === 0) return;
    sub.active = true;
    this.send(sub);
  }

  // ------------------------------------------------------------ the stream

  private connect(): void {
    this.retryTimer = undefined;
    if (this.stopped) return;
    const ads = this.target.bootstrap.dynamicResources!.ads!;
    const host = this.target.clusters.get(ads.clusterName)?.chooseHost(undefined);
    if (host === undefined) {
      this.log(`ads: cluster "${ads.clusterName}" has no host to connect to`);
      return this.scheduleReconnect();
    }
    const stream: AdsStream = new AdsStream({
      address: host.key,
      authority: ads.authority || ads.clusterName,
      metadata: ads.initialMetadata,
      onConnected: () => this.connectedState.set(1),
      onResponse: (response) => this.enqueue(stream, response),
      onEnd: (reason) => this.onStreamEnd(stream, reason),
    });
    this.stream = stream;
    this.nodeSent = false;
    for (const kind of ORDER) {
      const sub = this.subs[kind];
      sub.nonce = '';
      if (sub.active) this.send(sub);
    }
  }

  private onStreamEnd(stream: AdsStream, reason: string): void {
    if (stream !== this.stream) return;
    this.stream = undefined;
    this.connectedState.set(0);
    for (const s of Object.values(this.subs)) if (s.active) s.stats.failure.inc();
    this.log(`ads: stream to the management server ended (${reason})`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    const delayMs = this.backoff.nextMs();
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
    this.retryTimer.unref();
  }

  private send(sub: Subscription, errorDetail?: string): void {
    const stream = this.stream;
    if (stream === undefined || !stream.isOpen) return;
    const ads = this.target.bootstrap.dynamicResources!.ads!;
    const withNode = !this.nodeSent || !ads.setNodeOnFirstMessageOnly;
    this.nodeSent = true;
    stream.send({
      typeUrl: sub.type.typeUrl,
      versionInfo: sub.versionInfo,
      resourceNames: sub.type.completeSet ? [] : sub.names,
      responseNonce: sub.nonce,
      ...(errorDetail === undefined ? {} : { errorDetail }),
      ...(withNode ? { node: this.node } : {}),
    });
  }

  // ------------------------------------------------------------ responses

  /** Responses are handled one at a time, in arrival order. */
  private enqueue(stream: AdsStream, response: DiscoveryResponse): void {
    this.backoff.reset();
    this.processing = this.processing
      .then(() => this.handle(stream, response))
      .catch((err) =>
        this.log(`ads: failed to handle a ${response.type_url} response: ${(err as Error).stack}`),
      );
  }

  private async handle(stream: AdsStream, response: DiscoveryResponse): Promise<void> {
    const type = xdsTypeOf(response.type_url);
    const sub = type === undefined ? undefined : this.subs[type.kind];
    if (type === undefined || sub === undefined || !sub.active) {
      this.log(`ads: ignoring a response for ${response.type_url}, which is not subscribed`);
      return;
    }
    if (stream === this.stream) sub.nonce = response.nonce;
    sub.stats.attempt.inc();
    const errors = await this.apply(sub, response);
    if (errors.length === 0) {
      sub.versionInfo = response.version_info;
      sub.stats.success.inc();
      if (stream === this.stream) this.send(sub);
    } else {
      sub.stats.rejected.inc();
      const detail = `${type.what} update rejected (version_info "${response.version_info}"): ${errors.join('; ')}`;
      this.log(`ads: ${detail}`);
      if (stream === this.stream) this.send(sub, detail.slice(0, MAX_ERROR_DETAIL));
    }
    sub.markFirstResponse();
    if (type.kind === 'lds' || type.kind === 'rds') this.updateNames('rds', this.target.routeConfigNames());
    if (type.kind === 'cds' || type.kind === 'eds') this.updateNames('eds', this.target.edsServiceNames());
    if (type.kind !== 'eds' && type.kind !== 'rds') this.updateNames('sds', this.target.sdsSecretNames());
  }

  /** Decodes, validates and applies a response; the problems found, if any (then nothing changed). */
  private async apply(sub: Subscription, response: DiscoveryResponse): Promise<string[]> {
    const type = sub.type;
    const decoded = decodeResponse(type, response.resources);
    if (!decoded.ok) return decoded.errors;
    const wanted = type.completeSet ? undefined : new Set(sub.names);
    const kept = decoded.resources.filter((r) => wanted === undefined || wanted.has(r.name));
    const names = new Set(kept.map((r) => r.name));
    const removed = type.completeSet ? [...sub.applied].filter((n) => !names.has(n)) : [];
    const result = await type.apply(
      this.target,
      kept.map((r) => r.value),
      { versionInfo: response.version_info, removed, raw: new Map(kept.map((r) => [r.name, r.raw])) },
    );
    if (!result.ok) return result.errors.map((e) => nameFirst(`${type.what} "${e.name}"`, e.message));
    if (type.completeSet) sub.applied = names;
    return [];
  }

  private log(line: string): void {
    this.options.log(line);
  }
}

/** `<what>: <message>`, unless the message already starts by naming it. */
function nameFirst(what: string, message: string): string {
  return message.startsWith(what) ? message : `${what}: ${message}`;
}
