/**
 * A mirrored copy of a request (`request_mirror_policies`): fire and forget. It goes to a host of
 * the shadow cluster with the authority suffixed `-shadow`, carries the request body as it arrives,
 * and its response is read and dropped. Nothing it does reaches the client: it never applies
 * backpressure (it is abandoned instead once more than the buffer limit waits to be written), and
 * its failures only show in the shadow cluster's stats.
 */
import type net from 'node:net';
import type {
  PoolCallbacks,
  UpstreamRequest,
  UpstreamResetReason,
  UpstreamResponseHandler,
} from '../http/codec.ts';
import type { HeaderMap } from '../http/header-map.ts';
import type { RequestHead } from '../http/request-head.ts';
import type { ClusterRuntime } from '../upstream/cluster.ts';
import type { Host } from '../upstream/host.ts';
import type { Http1Pool } from '../upstream/http1/http1-pool.ts';
import type { Http2Pool } from '../upstream/http2/http2-pool.ts';

export class ShadowRequest implements PoolCallbacks, UpstreamResponseHandler {
  readonly priority = 0;
  private readonly cluster: ClusterRuntime;
  private readonly host: Host;
  private readonly head: RequestHead;
  private readonly limitBytes: number;
  private pool: Http1Pool | Http2Pool | undefined;
  private upstream: UpstreamRequest | undefined;
  private held: Buffer[] | undefined;
  private heldTrailers: HeaderMap | undefined;
  private ended = false;
  private unwritten = 0;
  private done = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(cluster: ClusterRuntime, host: Host, head: RequestHead, limitBytes: number) {
    this.cluster = cluster;
    this.host = host;
    this.head = head;
    this.limitBytes = limitBytes;
  }

  /**
   * Starts a shadow of `head` (already finalized by the route) on `cluster`; undefined when the
   * cluster has no host or is at its request limit. `ended` when the request has no body.
   */
  static start(
    cluster: ClusterRuntime,
    head: RequestHead,
    opts: { ended: boolean; limitBytes: number; timeoutMs: number; hash: number | undefined },
  ): ShadowRequest | undefined {
    const host = cluster.chooseHost(opts.hash === undefined ? undefined : { hash: opts.hash });
    const limits = cluster.resources[0];
    if (host === undefined) {
      cluster.stats.upstreamCxNoneHealthy.inc();
      return undefined;
    }
    if (!limits.canSendRequest()) {
      cluster.stats.upstreamRqPendingOverflow.inc();
      return undefined;
    }
    const shadow = new ShadowRequest(cluster, host, head, opts.limitBytes);
    shadow.ended = opts.ended;
    limits.adjustRequests(1);
    cluster.stats.upstreamRqTotal.inc();
    cluster.stats.upstreamRqActive.inc();
    host.activeRequests++;
    if (opts.timeoutMs > 0) {
      shadow.timer = setTimeout(abandonShadow, opts.timeoutMs, shadow);
      shadow.timer.unref();
    }
    const p = cluster.config.protocol;
    const protocol = p === 'downstream' ? (head.protocol === 'HTTP/2' ? 'http2' : 'http1') : p;
    shadow.pool = cluster.pool(host, protocol);
    shadow.pool.newStream(shadow);
    return shadow;
  }

  /** More request body from the downstream. */
  onData(chunk: Buffer, endStream: boolean): void {
    if (this.done) return;
    if (endStream) this.ended = true;
    const up = this.upstream;
    if (up === undefined) {
      if (chunk.length > 0) (this.held ??= []).push(chunk);
      return;
    }
    if (!up.encodeData(chunk, endStream)) {
      this.unwritten += chunk.length;
      if (this.unwritten > this.limitBytes) this.abandon();
    }
  }

  onTrailers(trailers: HeaderMap): void {
    if (this.done) return;
    this.ended = true;
    if (this.upstream === undefined) this.heldTrailers = trailers;
    else this.upstream.encodeTrailers(trailers);
  }

  /** Stops the shadow (the downstream request was cut short, or it took too long). */
  abandon(): void {
    if (this.done) return;
    const up = this.upstream;
    this.upstream = undefined;
    if (up !== undefined) up.reset();
    else this.pool?.cancel(this);
    this.settle();
  }

  // ------------------------------------------------------------ pool and response

  onPoolReady(request: UpstreamRequest): void {
    if (this.done) return request.reset();
    this.upstream = request;
    const held = this.held;
    const trailers = this.heldTrailers;
    this.held = undefined;
    this.heldTrailers = undefined;
    const endWithHeaders = this.ended && held === undefined && trailers === undefined;
    request.encodeHeaders(this.head, endWithHeaders);
    if (held !== undefined) {
      for (let i = 0; i < held.length; i++)
        request.encodeData(held[i]!, this.ended && trailers === undefined && i === held.length - 1);
    }
    if (trailers !== undefined) request.encodeTrailers(trailers);
  }

  onPoolFailure(_reason: UpstreamResetReason, _detail: string): void {
    this.settle();
  }

  onUpstreamHeaders(status: number, _headers: HeaderMap, endStream: boolean): void {
    if (this.done) return;
    this.cluster.stats.countResponse(status);
    if (endStream) this.complete();
  }

  onUpstreamData(_chunk: Buffer, endStream: boolean): void {
    if (endStream) this.complete();
  }

  onUpstreamTrailers(_trailers: HeaderMap): void {
    this.complete();
  }

  onUpstreamReset(_reason: UpstreamResetReason, _detail: string): void {
    if (this.done) return;
    this.cluster.stats.upstreamRqRxReset.inc();
    this.upstream = undefined;
    this.settle();
  }

  onUpstreamWritable(): void {
    this.unwritten = 0;
  }

  onUpstreamUpgrade(_headers: HeaderMap, socket: net.Socket): void {
    socket.destroy();
    this.settle();
  }

  // ------------------------------------------------------------ internals

  /** The response ended; a request still being sent cannot finish on this connection. */
  private complete(): void {
    if (this.done) return;
    if (!this.ended) this.upstream?.reset();
    this.upstream = undefined;
    this.settle();
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    this.held = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.cluster.resources[0].adjustRequests(-1);
    this.cluster.stats.upstreamRqActive.dec();
    this.host.activeRequests--;
  }
}

function abandonShadow(shadow: ShadowRequest): void {
  shadow.abandon();
}
