/**
 * The router's work for one forwarded request: pick the cluster and host, get a connection from
 * the host's pool, send the request (holding body bytes until the connection is ready), relay the
 * response with backpressure both ways, enforce the route timeout, and turn upstream failures
 * into the status codes and response flags Envoy users know.
 *
 * One object per request plays every role (body sink, pool requester, upstream response handler,
 * header-format context), so forwarding allocates nothing else.
 */
import type net from 'node:net';
import type {
  PoolCallbacks,
  UpstreamRequest,
  UpstreamResetReason,
  UpstreamResponseHandler,
} from '../http/codec.ts';
import type { HeaderMap } from '../http/header-map.ts';
import type { HttpStream, RequestBodySink } from '../http/http-stream.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';
import type { ClusterRuntime, UpstreamProtocol } from '../upstream/cluster.ts';
import type { Host } from '../upstream/host.ts';
import type { Http1Pool } from '../upstream/http1/http1-pool.ts';
import type { Http2Pool } from '../upstream/http2/http2-pool.ts';
import type { DeadlineNode, Expirable } from '../util/deadline-list.ts';
import { applyResponseHeaderMutations } from './apply-header-mutations.ts';
import type { ClusterChoice } from './cluster-picker.ts';
import { finalizeRequest } from './finalize-request.ts';
import type { HeaderFormatContext } from './header-formatter.ts';
import type { CompiledRouteAction } from './route-action.ts';
import type { CompiledRoute } from './route-entry.ts';
import { spliceUpgrade } from './upgrade-tunnel.ts';

const CONNECT_FAILURE_BODY = 'upstream connect error or disconnect/reset before headers. reset reason: ';

export class UpstreamExchange
  implements RequestBodySink, PoolCallbacks, UpstreamResponseHandler, HeaderFormatContext, Expirable
{
  // DeadlineNode: the route timeout's intrusive list links.
  deadlinePrev: DeadlineNode | undefined = undefined;
  deadlineNext: DeadlineNode | undefined = undefined;
  deadlineAt = -1;
  readonly stream: HttpStream;
  readonly route: CompiledRoute;
  readonly action: CompiledRouteAction;
  // HeaderFormatContext
  readonly request: RequestHead;
  readonly connection: DownstreamConnectionInfo;
  readonly startTimeMs: number;
  upstreamHost: string | undefined = undefined;
  cluster: ClusterChoice | undefined = undefined;

  private target: ClusterRuntime | undefined;
  private host: Host | undefined;
  private pool: Http1Pool | Http2Pool | undefined;
  private upstream: UpstreamRequest | undefined;
  private held: Buffer[] | undefined;
  private heldTrailers: HeaderMap | undefined;
  private requestEndSent = false;
  private upstreamStartMs = 0;
  private setCookies: string[] | undefined;
  private finished = false;
  private staleRetried = false;
  private dispatching = false;

  constructor(stream: HttpStream, route: CompiledRoute, action: CompiledRouteAction) {
    this.stream = stream;
    this.route = route;
    this.action = action;
    this.request = stream.head;
    this.connection = stream.conn;
    this.startTimeMs = stream.startWallMs;
  }

  start(): void {
    const stream = this.stream;
    const hcm = stream.hcm;
    if (stream.upgradeType !== '' && !this.upgradeAllowed()) {
      hcm.stats.downstreamRqWsOnNonWsRoute.inc();
      return stream.sendLocalReply(403, 'upgrade not allowed on this route', '');
    }
    const choice = this.action.pickCluster(this.request, (Math.random() * 0x100000000) >>> 0);
    const target = choice === undefined ? undefined : hcm.clusters.get(choice.name);
    if (choice === undefined || target === undefined) {
      hcm.stats.noCluster.inc();
      return stream.sendLocalReply(this.action.clusterNotFoundStatus, '', 'NC');
    }
    this.cluster = choice;
    this.target = target;
    stream.upstreamCluster = choice.name;
    stream.routeName = this.route.name;
    if (this.action.idleTimeoutMs !== undefined) stream.idleTimeoutMs = this.action.idleTimeoutMs;
    finalizeRequest(this.route, this);
    const policy = this.action.hashPolicy;
    if (policy?.mayGenerateCookie) this.setCookies = [];
    const hash = policy?.generateHash(this.request, this.connection, this.setCookies);
    const host = target.chooseHost(
      target.needsDestination
        ? { hash, destination: { address: this.connection.localAddress, port: this.connection.localPort } }
        : hash === undefined
          ? undefined
          : { hash },
    );
    if (host === undefined) {
      target.stats.upstreamCxNoneHealthy.inc();
      return stream.sendLocalReply(503, 'no healthy upstream', 'UH');
    }
    this.host = host;
    if (this.action.autoHostRewrite && host.hostname !== '') this.request.authority = host.hostname;
    stream.claimBody(this);
    this.dispatch();
  }

  // ------------------------------------------------------------ pool

  onPoolReady(request: UpstreamRequest): void {
    if (this.finished) return request.reset();
    this.upstream = request;
    this.upstreamHost = request.hostKey;
    this.stream.upstreamHost = request.hostKey;
    // A pooled connection answers within dispatch(): the upstream request starts with the stream.
    this.upstreamStartMs = this.dispatching ? this.stream.startWallMs : this.stream.hcm.clock.wallMs();
    const held = this.held;
    const heldTrailers = this.heldTrailers;
    const wholeRequestHeld = this.stream.requestComplete;
    const endWithHeaders = wholeRequestHeld && held === undefined && heldTrailers === undefined;
    request.encodeHeaders(this.request, endWithHeaders);
    if (endWithHeaders) this.requestEndSent = true;
    if (held !== undefined) {
      for (let i = 0; i < held.length; i++) {
        const last = wholeRequestHeld && heldTrailers === undefined && i === held.length - 1;
        request.encodeData(held[i]!, last);
        if (last) this.requestEndSent = true;
      }
    }
    if (heldTrailers !== undefined) {
      request.encodeTrailers(heldTrailers);
      this.requestEndSent = true;
    }
    // Keep what was held only while a stale-connection retry could still need it.
    if (!this.canRetryStale()) this.held = undefined;
    this.heldTrailers = undefined;
    if (this.stream.requestComplete) this.startTimer();
  }

  onPoolFailure(reason: UpstreamResetReason, detail: string): void {
    this.upstreamFailed(reason, detail, 503, 'UF');
  }

  // ------------------------------------------------------------ request body

  onRequestData(chunk: Buffer, endStream: boolean): void {
    const up = this.upstream;
    if (up === undefined) {
      if (chunk.length > 0) (this.held ??= []).push(chunk);
      return;
    }
    const ok = up.encodeData(chunk, endStream);
    if (!ok) this.stream.encoder.readDisable(true);
    if (endStream) {
      this.requestEndSent = true;
      this.startTimer();
    }
  }

  onRequestTrailers(trailers: HeaderMap): void {
    const up = this.upstream;
    if (up === undefined) {
      this.heldTrailers = trailers;
      return;
    }
    up.encodeTrailers(trailers);
    this.requestEndSent = true;
    this.startTimer();
  }

  onDownstreamWritable(): void {
    this.upstream?.readDisable(false);
  }

  onDownstreamReset(): void {
    if (this.finished) return;
    if (this.upstream !== undefined) {
      this.target?.stats.upstreamRqTxReset.inc();
      this.upstream.reset();
    } else {
      this.pool?.cancel(this);
    }
    this.finish();
  }

  // ------------------------------------------------------------ upstream response

  onUpstreamHeaders(status: number, headers: HeaderMap, endStream: boolean): void {
    if (this.finished) return;
    const elapsed = this.stream.hcm.clock.wallMs() - this.upstreamStartMs;
    headers.add('x-envoy-upstream-service-time', String(elapsed));
    applyResponseHeaderMutations(this.route, headers, this);
    const cookies = this.setCookies;
    if (cookies !== undefined) for (const c of cookies) headers.add('set-cookie', c);
    this.target!.stats.countResponse(status);
    this.held = undefined;
    if (endStream) this.finish();
    this.stream.encodeHeaders(status, headers, endStream);
    if (endStream) this.abandonUnsentRequest();
  }

  onUpstreamData(chunk: Buffer, endStream: boolean): void {
    if (this.finished) return;
    if (endStream) this.finish();
    const ok = this.stream.encodeData(chunk, endStream);
    if (!ok && !endStream) this.upstream?.readDisable(true);
    if (endStream) this.abandonUnsentRequest();
  }

  onUpstreamTrailers(trailers: HeaderMap): void {
    if (this.finished) return;
    this.finish();
    this.stream.encodeTrailers(trailers);
    this.abandonUnsentRequest();
  }

  onUpstreamReset(reason: UpstreamResetReason, detail: string): void {
    if (this.finished) return;
    if (this.retryStaleConnection(reason)) return;
    this.target?.stats.upstreamRqRxReset.inc();
    this.upstreamFailed(reason, detail, 502, reason === 'protocol-error' ? 'UPE' : 'UR');
  }

  onUpstreamWritable(): void {
    this.stream.encoder.readDisable(false);
  }

  onUpstreamUpgrade(headers: HeaderMap, socket: net.Socket, rest: Buffer | undefined): void {
    if (this.finished) return void socket.destroy();
    this.finish();
    this.target!.stats.countResponse(101);
    headers.set('connection', 'upgrade');
    this.stream.encodeHeaders(101, headers, false);
    const down = this.stream.encoder.takeSocket();
    if (down === undefined) return void socket.destroy();
    spliceUpgrade(down.socket, down.rest, socket, rest, () => this.stream.onTunnelClosed());
  }

  // ------------------------------------------------------------ internals

  private upgradeAllowed(): boolean {
    const type = this.stream.upgradeType.toLowerCase();
    const perRoute = this.action.upgrades.get(type);
    return perRoute ?? this.stream.hcm.upgradeEnabled(type);
  }

  private protocol(): UpstreamProtocol {
    if (this.stream.upgradeType !== '') return 'http1';
    const p = this.target!.config.protocol;
    if (p === 'downstream') return this.request.protocol === 'HTTP/2' ? 'http2' : 'http1';
    return p;
  }

  private dispatch(): void {
    const target = this.target!;
    const host = this.host!;
    target.stats.upstreamRqTotal.inc();
    target.stats.upstreamRqActive.inc();
    host.activeRequests++;
    this.pool = target.pool(host, this.protocol());
    this.dispatching = true;
    this.pool.newStream(this);
    this.dispatching = false;
  }

  /**
   * An idle keep-alive connection the upstream had already closed fails before any response byte;
   * Envoy users expect that retried on a fresh connection rather than surfacing as an error.
   */
  private retryStaleConnection(reason: UpstreamResetReason): boolean {
    const up = this.upstream;
    if (reason !== 'remote-reset' || up === undefined || !up.reusedConnection || this.stream.responseStarted)
      return false;
    if (!this.canRetryStale() || !this.requestEndSent) return false;
    this.staleRetried = true;
    this.upstream = undefined;
    this.requestEndSent = false;
    this.clearTimer();
    this.target!.stats.upstreamRqTotal.inc();
    this.pool!.newStream(this);
    return true;
  }

  private canRetryStale(): boolean {
    return !this.staleRetried && this.stream.requestComplete && this.heldTrailers === undefined;
  }

  private upstreamFailed(reason: UpstreamResetReason, detail: string, status: number, flag: string): void {
    if (this.finished) return;
    this.finish();
    const stream = this.stream;
    if (stream.responseStarted) return stream.resetStream();
    if (reason === 'connect-failure' || reason === 'connect-timeout') {
      return stream.sendLocalReply(503, `${CONNECT_FAILURE_BODY}connection failure (${detail})`, flag);
    }
    stream.sendLocalReply(
      status,
      `${CONNECT_FAILURE_BODY}${reason === 'protocol-error' ? 'protocol error' : 'remote reset'}`,
      flag,
    );
  }

  /** The route timeout runs from the end of the request to the end of the response (Envoy). */
  private startTimer(): void {
    const ms = this.action.timeoutMs;
    if (ms > 0 && this.deadlineAt < 0 && !this.finished) this.stream.hcm.timeouts.forDuration(ms).add(this);
  }

  private clearTimer(): void {
    if (this.deadlineAt >= 0) this.stream.hcm.timeouts.forDuration(this.action.timeoutMs).remove(this);
  }

  /** Route timeout: 504 before the response started, a reset after. */
  onDeadline(): void {
    if (this.finished) return;
    this.target?.stats.upstreamRqTimeout.inc();
    const up = this.upstream;
    this.upstream = undefined;
    if (up !== undefined) up.reset();
    else this.pool?.cancel(this);
    this.finish();
    if (this.stream.responseStarted) {
      this.stream.responseFlags ||= 'UT';
      return this.stream.resetStream();
    }
    this.stream.sendLocalReply(504, 'upstream request timeout', 'UT');
  }

  /** The response ended before the whole request went up: that connection cannot be reused. */
  private abandonUnsentRequest(): void {
    if (this.requestEndSent) return;
    this.upstream?.reset();
    if (!this.stream.requestComplete) this.stream.encoder.readDisable(true);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    this.held = undefined;
    const target = this.target;
    if (target !== undefined && this.host !== undefined) {
      target.stats.upstreamRqActive.dec();
      this.host.activeRequests--;
    }
  }
}
