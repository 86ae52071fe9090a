/**
 * The router's work for one forwarded request: pick the cluster and host, respect the cluster's
 * circuit breakers, get a connection from the host's pool, send the request (holding body bytes
 * until the connection is ready, and keeping them while a retry may need them), relay the response
 * with backpressure both ways, enforce the route and per-try timeouts, retry per the route's
 * policy, report each attempt to outlier detection, start shadows for mirror policies, and turn
 * upstream failures into the status codes and response flags Envoy users know.
 *
 * One object per request plays every role (body sink, pool requester, upstream response handler,
 * header-format context), so plain forwarding allocates nothing else; retry state and shadows are
 * allocated only for routes that configure them.
 */
import type net from 'node:net';
import type {
  PoolCallbacks,
  UpstreamRequest,
  UpstreamResetReason,
  UpstreamResponseHandler,
} from '../http/codec.ts';
import { HeaderMap } from '../http/header-map.ts';
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
import { isGrpcRequest, parseGrpcTimeout } from './grpc-timeout.ts';
import type { HeaderFormatContext } from './header-formatter.ts';
import { shadowAuthority } from './mirror-policy.ts';
import type { AttemptFailure } from './retry-policy.ts';
import { type RetryOwner, RetryState } from './retry-state.ts';
import type { CompiledRouteAction } from './route-action.ts';
import type { CompiledRoute } from './route-entry.ts';
import { ShadowRequest } from './shadow-request.ts';
import { spliceUpgrade } from './upgrade-tunnel.ts';

const CONNECT_FAILURE_BODY = 'upstream connect error or disconnect/reset before headers. reset reason: ';

export class UpstreamExchange
  implements
    RequestBodySink,
    PoolCallbacks,
    UpstreamResponseHandler,
    HeaderFormatContext,
    Expirable,
    RetryOwner
{
  // DeadlineNode: the route timeout's intrusive list links.
  deadlinePrev: DeadlineNode | undefined = undefined;
  deadlineNext: DeadlineNode | undefined = undefined;
  deadlineAt = -1;
  readonly stream: HttpStream;
  readonly route: CompiledRoute;
  readonly action: CompiledRouteAction;
  readonly priority: 0 | 1;
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
  /** Request body chunks not sent yet, or (when `retained`) every chunk, for another attempt. */
  private body: Buffer[] | undefined;
  private bodyBytes = 0;
  private heldTrailers: HeaderMap | undefined;
  /** Whether sent body bytes are kept (a retry policy within the buffer limit, or a complete request). */
  private retained = false;
  private keepForRetry = false;
  private firstSend = true;
  private requestEndSent = false;
  private upstreamStartMs = 0;
  private setCookies: string[] | undefined;
  private finished = false;
  private staleRetried = false;
  private dispatching = false;
  private attempt = 0;
  private attemptActive = false;
  private hash: number | undefined;
  /** Route timeout in ms (0: none), and whether it came from `grpc-timeout` (then a timer of its own). */
  private timeoutMs = 0;
  private ownTimer: NodeJS.Timeout | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private retry: RetryState | undefined;
  private shadows: ShadowRequest[] | undefined;

  constructor(stream: HttpStream, route: CompiledRoute, action: CompiledRouteAction) {
    this.stream = stream;
    this.route = route;
    this.action = action;
    this.priority = action.priority;
    this.request = stream.head;
    this.connection = stream.conn;
    this.startTimeMs = stream.startWallMs;
  }

  start(): void {
    const stream = this.stream;
    const hcm = stream.hcm;
    const action = this.action;
    if (stream.upgradeType !== '' && !this.upgradeAllowed()) {
      hcm.stats.downstreamRqWsOnNonWsRoute.inc();
      return stream.sendLocalReply(403, 'upgrade not allowed on this route', '');
    }
    const choice = action.pickCluster(this.request, (Math.random() * 0x100000000) >>> 0);
    const target = choice === undefined ? undefined : hcm.clusters.get(choice.name);
    if (choice === undefined || target === undefined) {
      hcm.stats.noCluster.inc();
      return stream.sendLocalReply(action.clusterNotFoundStatus, '', 'NC');
    }
    this.cluster = choice;
    this.target = target;
    stream.upstreamCluster = choice.name;
    stream.routeName = this.route.name;
    if (action.idleTimeoutMs !== undefined) stream.idleTimeoutMs = action.idleTimeoutMs;
    finalizeRequest(this.route, this);
    const policy = action.hashPolicy;
    if (policy?.mayGenerateCookie) this.setCookies = [];
    this.hash = policy?.generateHash(this.request, this.connection, this.setCookies);
    this.timeoutMs = this.routeTimeout();
    const retryPolicy = action.retryPolicy;
    if (retryPolicy !== undefined && stream.upgradeType === '' && retryPolicy.appliesTo(this.request)) {
      this.retry = new RetryState(retryPolicy, this, hcm.timeouts);
      this.keepForRetry = true;
    }
    if (action.mirrors !== undefined) this.startShadows();
    const maxDuration = action.maxStreamDurationMs;
    if (maxDuration !== undefined && maxDuration > 0)
      this.durationTimer = setTimeout(maxDurationReached, maxDuration, this);
    const host = this.pickHost();
    if (host === undefined) {
      target.stats.upstreamCxNoneHealthy.inc();
      this.finish();
      if (!stream.requestComplete) this.abandonShadows();
      return stream.sendLocalReply(503, 'no healthy upstream', 'UH');
    }
    stream.claimBody(this);
    if (!this.finished) this.dispatch(host);
  }

  // ------------------------------------------------------------ pool

  onPoolReady(request: UpstreamRequest): void {
    if (this.finished) return request.reset();
    this.upstream = request;
    this.upstreamHost = request.hostKey;
    this.stream.upstreamHost = request.hostKey;
    // A pooled connection answers within dispatch(): the upstream request starts with the stream.
    this.upstreamStartMs = this.dispatching ? this.stream.startWallMs : this.stream.hcm.clock.wallMs();
    const outlier = this.target!.outlier;
    if (outlier !== undefined) outlier.reportLocalOrigin(this.host!, 'success');
    this.sendHeld(request);
    if (this.stream.requestComplete) this.requestCompleteUpstream();
  }

  onPoolFailure(reason: UpstreamResetReason, detail: string): void {
    if (this.finished) return;
    if (reason === 'overflow') return this.overflow();
    const outlier = this.target!.outlier;
    if (outlier !== undefined) outlier.reportLocalOrigin(this.host!, 'connect-failure');
    if (this.retry !== undefined && this.retryAfter(reason, false)) return;
    this.upstreamFailed(reason, detail, 503, 'UF');
  }

  // ------------------------------------------------------------ request body

  onRequestData(chunk: Buffer, endStream: boolean): void {
    const shadows = this.shadows;
    if (shadows !== undefined) for (let i = 0; i < shadows.length; i++) shadows[i]!.onData(chunk, endStream);
    const up = this.upstream;
    if (up === undefined || this.retained) {
      if (chunk.length > 0) this.keep(chunk);
      if (up === undefined) return;
    }
    const ok = up.encodeData(chunk, endStream);
    if (!ok) this.stream.encoder.readDisable(true);
    if (endStream) {
      this.requestEndSent = true;
      this.requestCompleteUpstream();
    }
  }

  onRequestTrailers(trailers: HeaderMap): void {
    const shadows = this.shadows;
    if (shadows !== undefined) for (let i = 0; i < shadows.length; i++) shadows[i]!.onTrailers(trailers);
    const up = this.upstream;
    if (up === undefined || this.retained) this.heldTrailers = trailers;
    if (up === undefined) return;
    up.encodeTrailers(trailers);
    this.requestEndSent = true;
    this.requestCompleteUpstream();
  }

  onDownstreamWritable(): void {
    this.upstream?.readDisable(false);
  }

  onDownstreamReset(): void {
    if (!this.stream.requestComplete) this.abandonShadows();
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
    const target = this.target!;
    const outlier = target.outlier;
    if (outlier !== undefined) outlier.reportHttpStatus(this.host!, status);
    const retry = this.retry;
    if (retry !== undefined) {
      if (retry.policy.retriableResponse(status, headers)) {
        if (this.retryAfter(undefined, true)) {
          target.stats.countRetriedResponse(status);
          return;
        }
      } else if (this.attempt > 1) {
        target.stats.upstreamRqRetrySuccess.inc();
      }
      retry.clearPerTry();
    }
    const elapsed = this.stream.hcm.clock.wallMs() - this.upstreamStartMs;
    headers.add('x-envoy-upstream-service-time', String(elapsed));
    if (this.action.includeAttemptCountInResponse) headers.set('x-envoy-attempt-count', String(this.attempt));
    applyResponseHeaderMutations(this.route, headers, this);
    const cookies = this.setCookies;
    if (cookies !== undefined) for (const c of cookies) headers.add('set-cookie', c);
    target.stats.countResponse(status);
    if (endStream) this.finish();
    else this.dropBody();
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
    const target = this.target!;
    target.stats.upstreamRqRxReset.inc();
    if (target.outlier !== undefined) target.outlier.reportLocalOrigin(this.host!, 'reset');
    if (this.retry !== undefined && this.retryAfter(reason, this.requestEndSent)) return;
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

  // ------------------------------------------------------------ timeouts (RetryOwner, Expirable)

  /** The per-try timeout of the current attempt: retried like a 504, else answered with one. */
  onPerTryTimeout(): void {
    if (this.finished) return;
    const target = this.target!;
    target.stats.upstreamRqPerTryTimeout.inc();
    if (target.outlier !== undefined) target.outlier.reportLocalOrigin(this.host!, 'timeout');
    if (this.retryAfter('per-try-timeout', true)) return;
    this.timedOut();
  }

  /** Route timeout: 504 before the response started, a reset after. */
  onDeadline(): void {
    if (this.finished) return;
    const target = this.target;
    target?.stats.upstreamRqTimeout.inc();
    if (target?.outlier !== undefined && this.upstream !== undefined)
      target.outlier.reportLocalOrigin(this.host!, 'timeout');
    this.timedOut();
  }

  onBackOffDone(): void {
    if (this.finished) return;
    const host = this.pickHost();
    if (host === undefined) {
      this.target!.stats.upstreamCxNoneHealthy.inc();
      this.finish();
      return this.stream.sendLocalReply(503, 'no healthy upstream', 'UH');
    }
    this.dispatch(host);
  }

  /** `max_stream_duration` of the route: 408 before the response started, a reset after. */
  onMaxDuration(): void {
    this.durationTimer = undefined;
    if (this.finished) return;
    this.target?.stats.upstreamRqMaxDurationReached.inc();
    this.stream.hcm.stats.downstreamRqMaxDurationReached.inc();
    this.resetUpstream();
    this.finish();
    if (this.stream.responseStarted) return this.stream.resetStream();
    this.stream.sendLocalReply(408, 'upstream max stream duration reached', 'UMSDR');
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

  /**
   * The route timeout: the route's, or with `max_stream_duration.grpc_timeout_header_max` the
   * request's `grpc-timeout` (capped by that maximum when it is not 0; none without the header).
   */
  private routeTimeout(): number {
    const max = this.action.grpcTimeoutHeaderMaxMs;
    if (max === undefined || !isGrpcRequest(this.request.headers.get('content-type')))
      return this.action.timeoutMs;
    const given = parseGrpcTimeout(this.request.headers.get('grpc-timeout'));
    if (given === undefined) return 0;
    return max > 0 ? Math.min(given, max) : given;
  }

  /** A host for the next attempt; with `previous_hosts`, one not tried yet when one can be found. */
  private pickHost(): Host | undefined {
    const target = this.target!;
    const ctx = target.needsDestination
      ? {
          hash: this.hash,
          destination: { address: this.connection.localAddress, port: this.connection.localPort },
        }
      : this.hash === undefined
        ? undefined
        : { hash: this.hash };
    const tried = this.retry?.tried;
    if (tried === undefined || tried.length === 0) return target.chooseHost(ctx);
    let host: Host | undefined;
    for (let i = 0; i < this.retry!.policy.hostSelectionMaxAttempts; i++) {
      host = target.chooseHost(ctx);
      if (host === undefined || !tried.includes(host)) return host;
    }
    return host;
  }

  private dispatch(host: Host): void {
    const target = this.target!;
    const limits = target.resources[this.priority];
    if (!limits.canSendRequest()) {
      target.stats.upstreamRqPendingOverflow.inc();
      return this.overflow();
    }
    this.host = host;
    this.attempt++;
    this.attemptActive = true;
    limits.adjustRequests(1);
    target.stats.upstreamRqTotal.inc();
    target.stats.upstreamRqActive.inc();
    host.activeRequests++;
    if (this.action.autoHostRewrite && host.hostname !== '') this.request.authority = host.hostname;
    if (this.action.includeRequestAttemptCount)
      this.request.headers.set('x-envoy-attempt-count', String(this.attempt));
    this.retry?.tried?.push(host);
    this.pool = target.pool(host, this.protocol());
    this.dispatching = true;
    this.pool.newStream(this);
    this.dispatching = false;
  }

  /** Sends the head and whatever body is held to a fresh upstream request. */
  private sendHeld(request: UpstreamRequest): void {
    const body = this.body;
    const trailers = this.heldTrailers;
    const complete = this.stream.requestComplete;
    if (this.firstSend) {
      this.firstSend = false;
      this.retained = this.keepForRetry || complete;
    }
    const endWithHeaders = complete && (body === undefined || body.length === 0) && trailers === undefined;
    request.encodeHeaders(this.request, endWithHeaders);
    if (endWithHeaders) this.requestEndSent = true;
    if (body !== undefined) {
      for (let i = 0; i < body.length; i++) {
        const last = complete && trailers === undefined && i === body.length - 1;
        request.encodeData(body[i]!, last);
        if (last) this.requestEndSent = true;
      }
    }
    if (trailers !== undefined) {
      request.encodeTrailers(trailers);
      this.requestEndSent = true;
    }
    if (!this.retained) this.dropBody();
  }

  private keep(chunk: Buffer): void {
    (this.body ??= []).push(chunk);
    this.bodyBytes += chunk.length;
    if (this.keepForRetry && this.bodyBytes > this.stream.hcm.bufferLimitBytes) {
      // Past the buffer limit the body cannot be replayed: no retries for this request (Envoy).
      this.keepForRetry = false;
      this.retry?.cancel();
      this.retry = undefined;
      this.target!.stats.retryOrShadowAbandoned.inc();
      if (this.upstream !== undefined) {
        this.retained = false;
        this.dropBody();
      }
    }
  }

  private dropBody(): void {
    this.body = undefined;
    this.bodyBytes = 0;
    this.heldTrailers = undefined;
    this.retained = false;
  }

  /** The whole request went upstream (or is held for it): the timers start. */
  private requestCompleteUpstream(): void {
    this.startTimer();
    this.retry?.startPerTry();
  }

  /**
   * Retries the request if its policy allows another attempt now (`failure` undefined means a
   * retriable response); returns whether it will. The current attempt is abandoned.
   */
  private retryAfter(failure: AttemptFailure | undefined, requestSent: boolean): boolean {
    const retry = this.retry;
    if (retry === undefined) return false;
    if (failure !== undefined && !retry.policy.retriableFailure(failure, requestSent)) return false;
    const stream = this.stream;
    const target = this.target!;
    if (stream.responseStarted) return false;
    if (!stream.requestComplete) {
      stream.hcm.stats.rqRetrySkippedRequestNotComplete.inc();
      return false;
    }
    if (retry.retriesLeft <= 0) {
      target.stats.upstreamRqRetryLimitExceeded.inc();
      return false;
    }
    const limits = target.resources[this.priority];
    if (!retry.holdsRetrySlot) {
      if (!limits.canRetry()) {
        target.stats.upstreamRqRetryOverflow.inc();
        return false;
      }
      limits.adjustRetries(1);
      retry.holdsRetrySlot = true;
    }
    retry.retries++;
    target.stats.upstreamRqRetry.inc();
    target.stats.upstreamRqRetryBackoffExponential.inc();
    this.resetUpstream();
    this.endAttempt();
    retry.scheduleBackOff(retry.policy.backOffMs(retry.retries, Math.random()));
    return true;
  }

  private resetUpstream(): void {
    const up = this.upstream;
    this.upstream = undefined;
    this.requestEndSent = false;
    if (up !== undefined) up.reset();
    else this.pool?.cancel(this);
  }

  /**
   * An idle keep-alive connection the upstream had already closed fails before any response byte;
   * Envoy users expect that retried on a fresh connection rather than surfacing as an error.
   */
  private retryStaleConnection(reason: UpstreamResetReason): boolean {
    const up = this.upstream;
    if (reason !== 'remote-reset' || up === undefined || !up.reusedConnection || this.stream.responseStarted)
      return false;
    if (this.staleRetried || !this.retained || !this.stream.requestComplete || !this.requestEndSent)
      return false;
    this.staleRetried = true;
    this.upstream = undefined;
    this.requestEndSent = false;
    this.clearTimer();
    this.retry?.clearPerTry();
    this.target!.stats.upstreamRqTotal.inc();
    this.pool!.newStream(this);
    return true;
  }

  /** A circuit breaker refused the request: 503 with `x-envoy-overloaded` (flag UO). */
  private overflow(): void {
    this.finish();
    const headers = new HeaderMap(['x-envoy-overloaded', 'true']);
    this.stream.sendLocalReply(503, `${CONNECT_FAILURE_BODY}overflow`, 'UO', headers);
  }

  private upstreamFailed(reason: UpstreamResetReason, detail: string, status: number, flag: string): void {
    if (this.finished) return;
    this.finish();
    const stream = this.stream;
    if (stream.responseStarted) return stream.resetStream();
    if (reason === 'connect-failure' || reason === 'connect-timeout') {
      return stream.sendLocalReply(503, `${CONNECT_FAILURE_BODY}connection failure (${detail})`, flag);
    }
    const what = reason === 'protocol-error' ? 'protocol error' : 'remote reset';
    stream.sendLocalReply(status, `${CONNECT_FAILURE_BODY}${what}`, flag);
  }

  /** 504 before the response started, a reset after. */
  private timedOut(): void {
    this.resetUpstream();
    this.finish();
    if (this.stream.responseStarted) {
      this.stream.responseFlags ||= 'UT';
      return this.stream.resetStream();
    }
    this.stream.sendLocalReply(504, 'upstream request timeout', 'UT');
  }

  /** The route timeout runs from the end of the request to the end of the response (Envoy). */
  private startTimer(): void {
    const ms = this.timeoutMs;
    if (ms <= 0 || this.finished || this.deadlineAt >= 0 || this.ownTimer !== undefined) return;
    if (this.action.grpcTimeoutHeaderMaxMs === undefined) this.stream.hcm.timeouts.forDuration(ms).add(this);
    else this.ownTimer = setTimeout(routeTimeoutFired, ms, this);
  }

  private clearTimer(): void {
    if (this.deadlineAt >= 0) this.stream.hcm.timeouts.forDuration(this.timeoutMs).remove(this);
    if (this.ownTimer !== undefined) clearTimeout(this.ownTimer);
    this.ownTimer = undefined;
  }

  private startShadows(): void {
    const hcm = this.stream.hcm;
    for (const m of this.action.mirrors!) {
      if (!m.sample(Math.random())) continue;
      const cluster = hcm.clusters.get(m.cluster);
      if (cluster === undefined) continue;
      const r = this.request;
      const head: RequestHead = {
        method: r.method,
        path: r.path,
        authority: m.appendShadowSuffix ? shadowAuthority(r.authority) : r.authority,
        scheme: r.scheme,
        headers: r.headers.clone(),
        protocol: r.protocol,
      };
      const shadow = ShadowRequest.start(cluster, head, {
        ended: this.stream.requestComplete,
        limitBytes: hcm.bufferLimitBytes,
        timeoutMs: this.timeoutMs,
        hash: this.hash,
      });
      if (shadow !== undefined) (this.shadows ??= []).push(shadow);
    }
  }

  private abandonShadows(): void {
    const shadows = this.shadows;
    this.shadows = undefined;
    if (shadows !== undefined) for (const s of shadows) s.abandon();
  }

  /** The response ended before the whole request went up: that connection cannot be reused. */
  private abandonUnsentRequest(): void {
    if (this.requestEndSent) return;
    this.upstream?.reset();
    if (!this.stream.requestComplete) this.stream.encoder.readDisable(true);
  }

  /** The current attempt is over: release what it held. */
  private endAttempt(): void {
    if (!this.attemptActive) return;
    this.attemptActive = false;
    const target = this.target!;
    target.stats.upstreamRqActive.dec();
    target.resources[this.priority].adjustRequests(-1);
    this.host!.activeRequests--;
    this.retry?.clearPerTry();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    this.endAttempt();
    this.dropBody();
    if (this.durationTimer !== undefined) clearTimeout(this.durationTimer);
    const retry = this.retry;
    if (retry !== undefined) {
      retry.cancel();
      if (retry.holdsRetrySlot) this.target!.resources[this.priority].adjustRetries(-1);
      retry.holdsRetrySlot = false;
    }
  }
}

function routeTimeoutFired(x: UpstreamExchange): void {
  x.onDeadline();
}

function maxDurationReached(x: UpstreamExchange): void {
  x.onMaxDuration();
}
