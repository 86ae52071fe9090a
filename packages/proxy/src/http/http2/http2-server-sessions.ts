/**
 * Downstream HTTP/2 (h2c prior knowledge and h2 over TLS) on Node's nghttp2 binding. Each stream
 * becomes an `HttpStream`; `Http2ResponseEncoder` writes the response back.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import type { HcmRuntime } from '../hcm/hcm-runtime.ts';
import { HeaderMap } from '../header-map.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../request-head.ts';
import { Http2ResponseEncoder } from './http2-response-encoder.ts';

const kInfo = Symbol('tandem.connInfo');
const kActiveStreams = Symbol('tandem.activeStreams');
const kRequests = Symbol('tandem.requests');
const EMPTY = Buffer.alloc(0);

type WithInfo = { [kInfo]?: DownstreamConnectionInfo };
type WithActive = { [kActiveStreams]?: number; [kRequests]?: number };

export class Http2ServerSessions {
  private readonly hcm: HcmRuntime;
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(hcm: HcmRuntime) {
    this.hcm = hcm;
    const h2 = hcm.config.http2;
    this.server = http2.createServer({
      maxHeaderListPairs: hcm.config.maxHeadersCount + 8,
      maxSendHeaderBlockLength: 256 * 1024,
      settings: {
        maxConcurrentStreams: Math.min(h2.maxConcurrentStreams, 2 ** 31 - 1),
        initialWindowSize: Math.min(h2.initialStreamWindowSize, 2 ** 31 - 1),
        maxHeaderListSize: hcm.config.maxRequestHeadersKb * 1024,
      },
    });
    this.server.on('session', (session: http2.ServerHttp2Session) => this.onSession(session));
    this.server.on('stream', (stream, headers, flags) => this.onStream(stream, headers, flags));
  }

  serve(socket: net.Socket, info: DownstreamConnectionInfo): void {
    (socket as net.Socket & WithInfo)[kInfo] = info;
    this.server.emit('connection', socket);
  }

  /** Sends GOAWAY on every session; streams in flight finish. */
  drain(): void {
    for (const s of this.sessions) if (!s.closed) s.close();
  }

  private onSession(session: http2.ServerHttp2Session): void {
    this.sessions.add(session);
    // Read the connection info while the session is bound to its socket; afterwards the socket
    // proxy throws on access.
    (session as http2.ServerHttp2Session & WithInfo)[kInfo] = (session.socket as net.Socket & WithInfo)[
      kInfo
    ];
    const window = this.hcm.config.http2.initialConnectionWindowSize;
    session.on('connect', () => {
      if (window > 65535) session.setLocalWindowSize(Math.min(window, 2 ** 31 - 1));
    });
    session.on('error', noop);
    session.on('close', () => {
      this.sessions.delete(session);
      this.hcm.onConnectionClosed(undefined);
    });
    const maxDurationMs = this.hcm.config.maxConnectionDurationMs;
    if (maxDurationMs > 0) {
      const timer = setTimeout(() => {
        this.hcm.stats.downstreamCxMaxDurationReached.inc();
        if (!session.closed) session.close();
      }, maxDurationMs);
      timer.unref();
      session.once('close', () => clearTimeout(timer));
    }
    const idle = this.hcm.config.idleTimeoutMs;
    if (idle > 0) {
      // Not setTimeout(ms, callback): that listens once, and the first timeout may find a stream.
      session.setTimeout(idle);
      session.on('timeout', () => this.onIdle(session));
    }
  }

  /** max_requests_per_connection: after the last allowed stream, GOAWAY (streams in flight finish). */
  private countRequest(session: http2.ServerHttp2Session & WithActive): void {
    const max = this.hcm.config.maxRequestsPerConnection;
    if (max === 0) return;
    session[kRequests] = (session[kRequests] ?? 0) + 1;
    if (session[kRequests] === max && !session.closed) {
      this.hcm.stats.downstreamCxMaxRequestsReached.inc();
      session.close();
    }
  }

  /**
   * No frame for idle_timeout. Idle means no active streams (Envoy): a quiet stream keeps the
   * connection; the timer re-arms with the next frame, so an idle check follows its end.
   */
  private onIdle(session: http2.ServerHttp2Session & WithActive): void {
    if ((session[kActiveStreams] ?? 0) > 0 || session.closed) return;
    this.hcm.stats.downstreamCxIdleTimeout.inc();
    session.close();
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, flags: number): void {
    const session = stream.session as (http2.ServerHttp2Session & WithInfo & WithActive) | undefined;
    const info = session?.[kInfo];
    if (session === undefined || info === undefined)
      return void stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    const head = toRequestHead(headers, info);
    const encoder = new Http2ResponseEncoder(stream, head.headers.get('te') === 'trailers');
    const endStream = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0 || stream.endAfterHeaders;
    const hs = this.hcm.newStream(head, info, encoder, endStream, '');
    // The router may have set the route's idle_timeout on the stream.
    const idleMs = hs.idleTimeoutMs;
    if (idleMs > 0) {
      stream.setTimeout(idleMs, () => {
        this.hcm.stats.downstreamRqIdleTimeout.inc();
        hs.sendLocalReply(408, 'stream timeout', 'SI');
      });
    }
    if (!endStream) {
      stream.on('data', (chunk: Buffer) => hs.onRequestData(chunk, false));
      stream.on('trailers', (t: http2.IncomingHttpHeaders) => hs.onRequestTrailers(toHeaderMap(t)));
      stream.on('end', () => {
        if (!hs.requestComplete) hs.onRequestData(EMPTY, true);
      });
    }
    stream.on('drain', () => hs.onDownstreamWritable());
    stream.on('error', noop);
    session[kActiveStreams] = (session[kActiveStreams] ?? 0) + 1;
    this.countRequest(session);
    stream.on('close', () => {
      session[kActiveStreams]!--;
      if (!hs.responseComplete) hs.onDownstreamReset();
    });
  }
}

function toRequestHead(h: http2.IncomingHttpHeaders, info: DownstreamConnectionInfo): RequestHead {
  const headers = toHeaderMap(h);
  let authority = (h[':authority'] as string | undefined) ?? '';
  if (authority === '') {
    authority = headers.get('host') ?? '';
  }
  headers.remove('host');
  return {
    method: (h[':method'] as string | undefined) ?? 'GET',
    path: (h[':path'] as string | undefined) ?? '/',
    authority,
    scheme: (h[':scheme'] as string | undefined) ?? (info.tls ? 'https' : 'http'),
    headers,
    protocol: 'HTTP/2',
  };
}

/** Regular (non-pseudo) fields of a Node header object, arrays flattened. */
export function toHeaderMap(h: http2.IncomingHttpHeaders): HeaderMap {
  const list: string[] = [];
  for (const name in h) {
    if (name.charCodeAt(0) === 58 /* : */) continue;
    const v = h[name];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) list.push(name, x);
    else list.push(name, v);
  }
  return new HeaderMap(list);
}

function noop(): void {}
