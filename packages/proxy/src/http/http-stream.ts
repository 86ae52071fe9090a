/**
 * One request/response exchange as the HTTP connection manager sees it, whatever the downstream
 * protocol. The codec feeds request events in; filters and the router answer through the
 * `encode*` methods, which apply the connection manager's response rules and count stats.
 *
 * Request body bytes that arrive before a filter has claimed the body (by setting `bodySink`) are
 * held here, with downstream reading paused past a limit, so nothing is lost while a filter waits.
 */
import type { GrpcStreamMessages } from '../istio/grpc-message-counter.ts';
import { UNKNOWN_WORKLOAD, type WorkloadIdentity } from '../istio/workload-identity.ts';
import type { CompiledRoute } from '../router/route-entry.ts';
import type { ResponseEncoder } from './codec.ts';
import type { HcmRuntime } from './hcm/hcm-runtime.ts';
import { HeaderMap } from './header-map.ts';
import type { DownstreamConnectionInfo, RequestHead } from './request-head.ts';

/** Whoever consumes the request body (normally the router). */
export interface RequestBodySink {
  onRequestData(chunk: Buffer, endStream: boolean): void;
  onRequestTrailers(trailers: HeaderMap): void;
  onDownstreamWritable(): void;
  /**
   * The stream ended without the sink completing it: the downstream went away, or the connection
   * manager answered on its own (a timeout, a malformed body). The sink abandons what it started
   * upstream. Called once for every stream with a sink; a sink that already finished ignores it.
   */
  onDownstreamReset(): void;
}

/** A filter's look at the response head before it goes out (CORS headers, rate limit headers). */
export interface ResponseHeadersHook {
  onResponseHeaders(status: number, headers: HeaderMap): void;
}

/** Pause downstream reading when this much body is held with no sink. */
const HELD_BODY_LIMIT = 1024 * 1024;

export class HttpStream {
  readonly hcm: HcmRuntime;
  readonly head: RequestHead;
  readonly conn: DownstreamConnectionInfo;
  readonly encoder: ResponseEncoder;
  /** Wall-clock ms when the request head arrived (for %START_TIME%, logs and service time). */
  readonly startWallMs: number;
  /** Stream idle timeout for this exchange: the HCM's, or the route's `idle_timeout`. */
  idleTimeoutMs: number;
  /** The request was an upgrade (WebSocket, CONNECT) the HCM allowed. */
  upgradeType = '';
  requestComplete = false;
  responseStatus = 0;
  responseStarted = false;
  responseComplete = false;
  /** Envoy response flags (UF, NR, UH, UT, ...), space-free and comma-joined as Envoy prints them. */
  responseFlags = '';
  /** Set by the router once it forwards: the upstream host, for logs. */
  upstreamHost = '';
  /** Set by the router once it picked one: the upstream cluster (metrics, logs, spans). */
  upstreamCluster = '';
  /** Set by the router: the matched route's name (for %ROUTE_NAME%). */
  routeName = '';
  /** Body bytes received from / sent to the downstream. */
  requestBodyBytes = 0;
  responseBodyBytes = 0;
  /** The response headers as sent (for access logs), once the response started. */
  responseHeaders: HeaderMap | undefined = undefined;
  responseTrailers: HeaderMap | undefined = undefined;
  /** Hex trace id when traced (for %TRACE_ID%), else ''. */
  traceId = '';
  /** The peer workload learned by metadata exchange (UNKNOWN_WORKLOAD when none). */
  peer: WorkloadIdentity = UNKNOWN_WORKLOAD;
  /** Message counts, for gRPC requests only. */
  grpc: GrpcStreamMessages | undefined = undefined;
  /** grpc-status of the response (-1: none seen). */
  grpcStatus = -1;
  /** The tracing span of this exchange, when it is sampled (owned by the tracer). */
  span: object | undefined = undefined;
  bodySink: RequestBodySink | undefined = undefined;
  private hooks: ResponseHeadersHook[] | undefined = undefined;
  private routeMatched = false;
  private matched: CompiledRoute | undefined = undefined;
  /** What filters learned about the request, by filter namespace (e.g. the JWT filter's `istio_authn`). */
  dynamicMetadata: Record<string, Record<string, unknown>> | undefined = undefined;
  private held: Buffer[] | undefined = undefined;
  private heldBytes = 0;
  private heldEnd = false;
  private heldTrailers: HeaderMap | undefined = undefined;
  private readDisabledForHold = false;

  constructor(hcm: HcmRuntime, head: RequestHead, conn: DownstreamConnectionInfo, encoder: ResponseEncoder) {
    this.hcm = hcm;
    this.head = head;
    this.conn = conn;
    this.encoder = encoder;
    this.startWallMs = hcm.clock.wallMs();
    this.idleTimeoutMs = hcm.config.streamIdleTimeoutMs;
  }

  /**
   * The route this request matches, matched once and kept: filters before the router (fault,
   * rate limit, CORS) and the router itself read the same answer.
   */
  route(): CompiledRoute | undefined {
    if (!this.routeMatched) {
      this.routeMatched = true;
      this.matched = this.hcm.routes.table?.matchRoute(this.head);
    }
    return this.matched;
  }

  /** Lets a filter adjust the response head (proxied or local) before it is sent. */
  addResponseHeadersHook(hook: ResponseHeadersHook): void {
    (this.hooks ??= []).push(hook);
  }

  // ------------------------------------------------------------ from the downstream codec

  onRequestData(chunk: Buffer, endStream: boolean): void {
    if (endStream) this.requestComplete = true;
    this.requestBodyBytes += chunk.length;
    if (this.grpc !== undefined) this.grpc.request.onData(chunk);
    if (this.bodySink !== undefined) return this.bodySink.onRequestData(chunk, endStream);
    if (chunk.length > 0) {
      (this.held ??= []).push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes > HELD_BODY_LIMIT && !this.readDisabledForHold) {
        this.readDisabledForHold = true;
        this.encoder.readDisable(true);
      }
    }
    if (endStream) this.heldEnd = true;
  }

  onRequestTrailers(trailers: HeaderMap): void {
    this.requestComplete = true;
    if (this.bodySink !== undefined) return this.bodySink.onRequestTrailers(trailers);
    this.heldTrailers = trailers;
    this.heldEnd = true;
  }

  onDownstreamWritable(): void {
    this.bodySink?.onDownstreamWritable();
  }

  /** The downstream connection or stream went away. */
  onDownstreamReset(): void {
    if (this.responseComplete) return;
    this.hcm.stats.downstreamRqRxReset.inc();
    if (this.responseFlags === '') this.responseFlags = 'DC';
    this.finish();
  }

  /**
   * Gives the request body to `sink`: first whatever was held, then live events. Returns true if
   * the whole request (end of stream) has already been delivered.
   */
  claimBody(sink: RequestBodySink): void {
    this.bodySink = sink;
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      for (let i = 0; i < held.length; i++) {
        sink.onRequestData(
          held[i]!,
          this.heldEnd && this.heldTrailers === undefined && i === held.length - 1,
        );
      }
    } else if (this.heldEnd && this.heldTrailers === undefined) {
      sink.onRequestData(EMPTY, true);
    }
    if (this.heldTrailers !== undefined) sink.onRequestTrailers(this.heldTrailers);
    this.heldTrailers = undefined;
    if (this.readDisabledForHold) {
      this.readDisabledForHold = false;
      this.encoder.readDisable(false);
    }
  }

  // ------------------------------------------------------------ towards the downstream

  encodeHeaders(status: number, headers: HeaderMap, endStream: boolean): void {
    this.responseStatus = status;
    this.responseStarted = true;
    this.responseHeaders = headers;
    if (this.grpc !== undefined) this.readGrpcStatus(headers);
    const hooks = this.hooks;
    if (hooks !== undefined)
      for (let i = 0; i < hooks.length; i++) hooks[i]!.onResponseHeaders(status, headers);
    this.hcm.decorateResponse(this, headers);
    this.encoder.encodeHeaders(status, headers, endStream);
    if (endStream) this.finish();
  }

  encodeData(chunk: Buffer, endStream: boolean): boolean {
    this.responseBodyBytes += chunk.length;
    if (this.grpc !== undefined) this.grpc.response.onData(chunk);
    const ok = this.encoder.encodeData(chunk, endStream);
    if (endStream) this.finish();
    return ok;
  }

  encodeTrailers(trailers: HeaderMap): void {
    this.responseTrailers = trailers;
    if (this.grpc !== undefined) this.readGrpcStatus(trailers);
    this.encoder.encodeTrailers(trailers);
    this.finish();
  }

  /** Aborts the exchange towards the downstream (after the response has started, or on error). */
  resetStream(): void {
    if (this.responseComplete) return;
    this.hcm.stats.downstreamRqTxReset.inc();
    this.encoder.resetStream();
    this.finish();
  }

  /**
   * Answers locally (no upstream): a status, an optional body and response flags. If the response
   * already started, the stream is reset instead, as Envoy does.
   */
  sendLocalReply(status: number, body: string, flags: string, headers?: HeaderMap): void {
    if (flags !== '' && this.responseFlags === '') this.responseFlags = flags;
    if (this.responseStarted) return this.resetStream();
    const h = headers ?? new HeaderMap();
    const bytes = body.length > 0 && this.head.method !== 'HEAD' ? Buffer.from(body, 'utf8') : EMPTY;
    if (body.length > 0) {
      if (!h.has('content-type')) h.add('content-type', 'text/plain');
      h.set('content-length', String(Buffer.byteLength(body, 'utf8')));
    } else if (status !== 204 && status !== 304 && !h.has('content-length')) {
      h.set('content-length', '0');
    }
    if (bytes.length === 0) return this.encodeHeaders(status, h, true);
    this.encodeHeaders(status, h, false);
    this.encodeData(bytes, true);
  }

  /** An upgraded (101) exchange's tunnel closed: the exchange is over. */
  onTunnelClosed(): void {
    this.finish();
  }

  private readGrpcStatus(h: HeaderMap): void {
    const v = h.get('grpc-status');
    if (v !== undefined) {
      const n = Number(v);
      if (Number.isInteger(n) && n >= 0 && n < 100) this.grpcStatus = n;
    }
  }

  private finish(): void {
    if (this.responseComplete) return;
    this.responseComplete = true;
    this.bodySink?.onDownstreamReset();
    this.hcm.onStreamComplete(this);
  }
}

const EMPTY = Buffer.alloc(0);
