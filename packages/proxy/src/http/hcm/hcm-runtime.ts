/**
 * The HTTP connection manager, compiled once from its config: it picks the codec for each
 * connection, turns each request into an `HttpStream`, applies the connection manager's header
 * rules (hop-by-hop, x-forwarded-*, x-request-id, server) and runs the filter chain.
 */
import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import type { HttpConnectionManager } from '@tandem/api/envoy';
import { AccessLogger } from '../../access-log/access-logger.ts';
import { GrpcStreamMessages } from '../../istio/grpc-message-counter.ts';
import type { IstioHttpReporter } from '../../istio/istio-http-reporter.ts';
import type { PeerExchange } from '../../istio/peer-exchange.ts';
import type { RouteProvider } from '../../router/route-provider.ts';
import type { StatsStore } from '../../stats/stats.ts';
import type { Telemetry, TrafficDirection } from '../../telemetry/telemetry.ts';
import type { HttpTracer } from '../../tracing/http-tracer.ts';
import type { ClusterManager } from '../../upstream/cluster-manager.ts';
import type { Clock } from '../../util/clock.ts';
import { DeadlineLists, type Expirable } from '../../util/deadline-list.ts';
import { IdleSweeper, sweepIntervalMs } from '../../util/idle-sweeper.ts';
import type { ResponseEncoder } from '../codec.ts';
import type { HeaderMap } from '../header-map.ts';
import { removeHopByHop } from '../hop-by-hop.ts';
import { buildHttpFilterChain, type HttpHandler } from '../http-filter.ts';
import { HttpStream } from '../http-stream.ts';
import { Http1ServerConnection } from '../http1/http1-server-connection.ts';
import { Http2ServerSessions } from '../http2/http2-server-sessions.ts';
import { normalizeRequestPath } from '../path-normalize.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../request-head.ts';
import { compileXfcc, type XfccRule } from '../xfcc.ts';
import { HcmStats } from './hcm-stats.ts';

export interface HcmContext {
  readonly clusters: ClusterManager;
  readonly stats: StatsStore;
  readonly clock: Clock;
  /** Resolves the route table: inline config, or RDS by name. */
  readonly routes: (config: HttpConnectionManager) => RouteProvider;
  readonly telemetry: Telemetry;
  readonly direction: TrafficDirection;
  readonly bufferLimitBytes?: number;
  readonly localCluster?: string;
}

/** Envoy's default per_connection_buffer_limit_bytes. */
const DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export class HcmRuntime {
  readonly config: HttpConnectionManager;
  readonly stats: HcmStats;
  readonly clock: Clock;
  readonly clusters: ClusterManager;
  readonly routes: RouteProvider;
  /** Per-request timeouts (route timeouts), one list per duration. */
  readonly timeouts: DeadlineLists<Expirable>;
  /** Idle and stream-idle timeouts of downstream HTTP/1 connections. */
  readonly sweeper: IdleSweeper;
  /** Most request body bytes kept for retries and shadows (the listener's buffer limit). */
  readonly bufferLimitBytes: number;
  private readonly handler: HttpHandler;
  private readonly istio: IstioHttpReporter;
  private readonly accessLogger: AccessLogger | undefined;
  private readonly tracer: HttpTracer | undefined;
  /** Metadata exchange: inbound takes the peer's from requests, outbound from responses. */
  private readonly exchangeIn: PeerExchange | undefined;
  private readonly exchangeOut: PeerExchange | undefined;
  private readonly xfcc: XfccRule;
  private readonly upgrades: Map<string, boolean>;
  private readonly http1Connections = new Set<Http1ServerConnection>();
  private h2: Http2ServerSessions | undefined;
  private draining = false;

  constructor(config: HttpConnectionManager, ctx: HcmContext) {
    this.config = config;
    this.clock = ctx.clock;
    this.clusters = ctx.clusters;
    this.stats = new HcmStats(ctx.stats.scope(`http.${config.statPrefix}.`));
    this.routes = ctx.routes(config);
    this.bufferLimitBytes = ctx.bufferLimitBytes ?? DEFAULT_BUFFER_LIMIT_BYTES;
    this.timeouts = new DeadlineLists<Expirable>((x) => x.onDeadline(), ctx.clock);
    this.sweeper = new IdleSweeper(sweepIntervalMs(config.streamIdleTimeoutMs, config.idleTimeoutMs));
    this.istio = ctx.telemetry.httpReporter(ctx.direction);
    this.tracer =
      config.tracing === undefined
        ? undefined
        : ctx.telemetry.httpTracer(
            config.tracing,
            ctx.direction,
            ctx.clusters,
            ctx.stats.scope(`http.${config.statPrefix}.`),
          );
    this.accessLogger =
      config.accessLog.length === 0
        ? undefined
        : new AccessLogger(config.accessLog, (path) => ctx.telemetry.accessLogWriter(path));
    const exchange = ctx.telemetry.exchange;
    this.exchangeIn = ctx.direction === 'INBOUND' ? exchange : undefined;
    this.exchangeOut = ctx.direction === 'OUTBOUND' ? exchange : undefined;
    this.xfcc = compileXfcc(config);
    this.upgrades = new Map(config.upgradeConfigs.map((u) => [u.upgradeType.toLowerCase(), u.enabled]));
    this.handler = buildHttpFilterChain(config.httpFilters, {
      clusters: ctx.clusters,
      stats: ctx.stats.scope(`http.${config.statPrefix}.`),
      clock: ctx.clock,
      localCluster: ctx.localCluster ?? '',
    });
  }

  /** Serves one accepted connection. `alpn` is the TLS-negotiated protocol, if any. */
  handleConnection(socket: net.Socket, info: DownstreamConnectionInfo, alpn: string | false): void {
    this.stats.downstreamCxTotal.inc();
    this.stats.downstreamCxActive.inc();
    const codec = this.config.codecType;
    if (codec === 'HTTP2' || alpn === 'h2') return this.serveHttp2(socket, info);
    if (codec === 'HTTP1' || alpn === 'http/1.1' || alpn === 'http/1.0')
      return this.serveHttp1(socket, info, undefined);
    this.sniff(socket, info);
  }

  /** Whether upgrades of `type` (lower-case, e.g. `websocket`) are enabled at the HCM level. */
  upgradeEnabled(type: string): boolean {
    return this.upgrades.get(type) === true;
  }

  /** A request head arrived; returns the stream the codec feeds the body into. */
  newStream(
    head: RequestHead,
    info: DownstreamConnectionInfo,
    encoder: ResponseEncoder,
    endStream: boolean,
    upgradeType: string,
  ): HttpStream {
    const stats = this.stats;
    stats.downstreamRqTotal.inc();
    stats.downstreamRqActive.inc();
    if (head.protocol === 'HTTP/2') stats.downstreamRqHttp2Total.inc();
    else stats.downstreamRqHttp1Total.inc();
    const stream = new HttpStream(this, head, info, encoder);
    if (endStream) stream.requestComplete = true;
    const contentType = head.headers.get('content-type');
    if (contentType?.startsWith('application/grpc')) stream.grpc = new GrpcStreamMessages();
    if (upgradeType !== '') {
      stream.upgradeType = upgradeType;
      stats.downstreamRqUpgradesTotal.inc();
    }
    if (head.authority === '') {
      stream.sendLocalReply(400, 'missing host header', 'DPE');
      return stream;
    }
    if (!this.applyRequestHeaderRules(stream)) return stream;
    if (this.tracer !== undefined) this.tracer.onRequest(stream);
    this.handler(stream);
    return stream;
  }

  /** Response rules every response gets, local or proxied. */
  decorateResponse(stream: HttpStream, headers: HeaderMap): void {
    if (this.exchangeIn !== undefined) this.exchangeIn.announce(headers);
    else if (this.exchangeOut !== undefined) stream.peer = this.exchangeOut.take(headers);
    const upgraded = stream.responseStatus === 101;
    removeHopByHop(headers, upgraded);
    if (upgraded) headers.set('connection', 'upgrade');
    const t = this.config.serverHeaderTransformation;
    if (t === 'OVERWRITE') headers.set('server', this.config.serverName);
    else if (t === 'APPEND_IF_ABSENT' && !headers.has('server'))
      headers.add('server', this.config.serverName);
  }

  onStreamComplete(stream: HttpStream): void {
    const stats = this.stats;
    stats.downstreamRqActive.dec();
    stats.downstreamRqCompleted.inc();
    if (stream.responseStatus > 0) stats.countResponse(stream.responseStatus);
    const durationMs = this.clock.wallMs() - stream.startWallMs;
    this.istio.record(stream, durationMs);
    if (this.tracer !== undefined) this.tracer.onComplete(stream, durationMs);
    if (this.accessLogger !== undefined) this.accessLogger.log(stream, durationMs);
  }

  /** A reply written before a stream existed (malformed request). */
  countRawReply(status: number): void {
    this.stats.countResponse(status);
  }

  /** A downstream connection closed; `conn` is set for HTTP/1 connections. */
  onConnectionClosed(conn: Http1ServerConnection | undefined): void {
    this.stats.downstreamCxActive.dec();
    if (conn !== undefined) this.http1Connections.delete(conn);
  }

  /** Stops keep-alive: HTTP/1 connections close after their current response, HTTP/2 gets GOAWAY. */
  drain(): void {
    this.draining = true;
    for (const c of this.http1Connections) c.drain();
    this.h2?.drain();
  }

  // ------------------------------------------------------------ internals

  private applyRequestHeaderRules(stream: HttpStream): boolean {
    const head = stream.head;
    const h = head.headers;
    const cfg = this.config;
    const upgrade = stream.upgradeType !== '';
    removeHopByHop(h, upgrade);
    if (upgrade && head.protocol !== 'HTTP/2') h.set('connection', 'upgrade');
    if (cfg.headersWithUnderscoresAction !== 'ALLOW' && !this.checkUnderscores(stream)) return false;
    if (cfg.normalizePath || cfg.mergeSlashes) {
      const path = normalizeRequestPath(head.path, {
        normalize: cfg.normalizePath,
        mergeSlashes: cfg.mergeSlashes,
      });
      if (path === undefined) {
        stream.sendLocalReply(400, 'invalid path', 'DPE');
        return false;
      }
      head.path = path;
    }
    if (cfg.useRemoteAddress) {
      if (!cfg.skipXffAppend) appendXff(h, stream.conn.remoteAddress);
      h.set('x-forwarded-proto', head.scheme);
    } else if (!h.has('x-forwarded-proto')) {
      h.add('x-forwarded-proto', head.scheme);
    }
    if (this.exchangeIn !== undefined) stream.peer = this.exchangeIn.take(h);
    else if (this.exchangeOut !== undefined) this.exchangeOut.announce(h);
    this.xfcc(h, stream.conn);
    if (cfg.generateRequestId) {
      if (!cfg.preserveExternalRequestId && cfg.useRemoteAddress) h.set('x-request-id', randomUUID());
      else if (!h.has('x-request-id')) h.add('x-request-id', randomUUID());
    }
    return true;
  }

  private checkUnderscores(stream: HttpStream): boolean {
    const l = stream.head.headers.list;
    for (let i = 0; i < l.length; i += 2) {
      if (l[i]!.indexOf('_') < 0) continue;
      if (this.config.headersWithUnderscoresAction === 'REJECT_REQUEST') {
        stream.sendLocalReply(400, 'header name with underscores', 'DPE');
        return false;
      }
      l.splice(i, 2);
      i -= 2;
    }
    return true;
  }

  private serveHttp1(socket: net.Socket, info: DownstreamConnectionInfo, initial: Buffer | undefined): void {
    this.stats.downstreamCxHttp1Total.inc();
    const conn = new Http1ServerConnection(socket, this, info);
    this.http1Connections.add(conn);
    if (this.draining) conn.drain();
    if (initial !== undefined) socket.emit('data', initial);
  }

  private serveHttp2(socket: net.Socket, info: DownstreamConnectionInfo): void {
    this.stats.downstreamCxHttp2Total.inc();
    this.h2 ??= new Http2ServerSessions(this);
    this.h2.serve(socket, info);
    if (this.draining) this.h2.drain();
  }

  /**
   * Codec AUTO on plaintext: HTTP/2 prior knowledge starts with the connection preface. Until
   * the codec is chosen, the idle timeout is a socket timeout (the codecs keep their own).
   */
  private sniff(socket: net.Socket, info: DownstreamConnectionInfo): void {
    let seen: Buffer | undefined;
    const idleMs = this.config.idleTimeoutMs;
    const onTimeout = (): void => {
      this.stats.downstreamCxIdleTimeout.inc();
      socket.destroy();
    };
    if (idleMs > 0) {
      socket.setTimeout(idleMs);
      socket.once('timeout', onTimeout);
    }
    const onData = (data: Buffer): void => {
      seen = seen === undefined ? data : Buffer.concat([seen, data]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2Prefix = seen.compare(H2_PREFACE, 0, n, 0, n) === 0;
      if (isH2Prefix && n < H2_PREFACE.length) return; // need more bytes to decide
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      if (idleMs > 0) {
        socket.setTimeout(0);
        socket.removeListener('timeout', onTimeout);
      }
      if (isH2Prefix) {
        socket.pause();
        socket.unshift(seen);
        this.serveHttp2(socket, info);
      } else {
        this.serveHttp1(socket, info, seen);
      }
    };
    const onClose = (): void => this.onConnectionClosed(undefined);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', noop);
  }
}

function appendXff(h: HeaderMap, address: string): void {
  const existing = h.get('x-forwarded-for');
  h.set('x-forwarded-for', existing === undefined ? address : `${existing},${address}`);
}

function noop(): void {}
