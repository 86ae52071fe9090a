/**
 * Downstream HTTP/1.x: parses requests from one client connection, hands each to the connection
 * manager as an `HttpStream`, and encodes its response. Requests are served one at a time;
 * pipelined requests wait in the parser until the current response is complete.
 */
import type net from 'node:net';
import { enableDirectReads } from '../../util/direct-reads.ts';
import type { SweptConnection } from '../../util/idle-sweeper.ts';
import type { ResponseEncoder } from '../codec.ts';
import type { HcmRuntime } from '../hcm/hcm-runtime.ts';
import { HeaderMap } from '../header-map.ts';
import type { HttpStream } from '../http-stream.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../request-head.ts';
import { chunkHeader, lastChunkWithTrailers, serializeFields, statusLine } from './http1-encoder.ts';
import { BodyKind, Http1Parser, type Http1ParserHandler, type MessageHead } from './http1-parser.ts';
import { ParseError } from './parse-error.ts';

const EMPTY = Buffer.alloc(0);
/** Bodies up to this size are copied next to their head and sent in one write. */
const COALESCE_LIMIT = 16 * 1024;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** How long an idle keep-alive connection must stay quiet during a drain before it is closed. */
const DRAIN_IDLE_CLOSE_MS = 500;

export class Http1ServerConnection implements Http1ParserHandler, ResponseEncoder, SweptConnection {
  readonly socket: net.Socket;
  private readonly hcm: HcmRuntime;
  private readonly info: DownstreamConnectionInfo;
  private readonly parser: Http1Parser;
  private stream: HttpStream | undefined = undefined;
  private requestEnded = false;
  private isHeadRequest = false;
  private versionMinor = 1;
  private keepAlive = true;
  private draining = false;
  private chunkedResponse = false;
  private trailersOk = false;
  /** A response head waiting to leave together with the first body bytes. */
  private pendingHead: string | undefined = undefined;
  private readPaused = false;
  private closed = false;
  /** After a protocol error: bytes are read and dropped until the lingering close ends. */
  private discarding = false;
  private requestTimer: NodeJS.Timeout | undefined = undefined;
  private headersTimer: NodeJS.Timeout | undefined = undefined;
  private durationTimer: NodeJS.Timeout | undefined = undefined;
  private requestsSeen = 0;
  /** Sweeper epoch of the last activity (idle timeouts; see IdleSweeper). */
  private activeEpoch: number;

  constructor(socket: net.Socket, hcm: HcmRuntime, info: DownstreamConnectionInfo) {
    this.socket = socket;
    this.hcm = hcm;
    this.info = info;
    const cfg = hcm.config;
    this.parser = new Http1Parser(true, this, {
      maxHeaderBytes: cfg.maxRequestHeadersKb * 1024,
      maxHeaderCount: cfg.maxHeadersCount,
    });
    this.activeEpoch = hcm.sweeper.epoch;
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('close', this.onClose);
    socket.on('error', noop);
    socket.on('end', this.onEnd);
    hcm.sweeper.add(this);
    enableDirectReads(socket);
    if (cfg.maxConnectionDurationMs > 0) {
      this.durationTimer = setTimeout(onMaxDuration, cfg.maxConnectionDurationMs, this);
      this.durationTimer.unref();
    }
  }

  /** max_connection_duration reached: drain (close after the current response). */
  maxDurationReached(): void {
    this.durationTimer = undefined;
    this.hcm.stats.downstreamCxMaxDurationReached.inc();
    this.drain();
  }

  /** request_headers_timeout: the head did not complete in time. */
  headersTimedOut(): void {
    this.headersTimer = undefined;
    if (this.stream !== undefined || this.discarding) return;
    this.hcm.stats.downstreamRqHeaderTimeout.inc();
    this.rejectRaw(408, 'request headers timeout');
  }

  get trailersAllowed(): boolean {
    return this.trailersOk;
  }

  /**
   * Asks the connection to close once the current response (if any) is done. A keep-alive
   * connection that is idle right now is not closed at once: its client may be writing the next
   * request at this very moment, and closing would lose it. It is closed once it has been quiet
   * for DRAIN_IDLE_CLOSE_MS; a request that comes first is served, with `Connection: close`.
   */
  drain(): void {
    this.keepAlive = false;
    this.draining = true;
    if (this.stream === undefined && this.parser.idle && this.quietForDrain()) this.closeBetweenRequests();
  }

  private quietForDrain(): boolean {
    return this.hcm.sweeper.expired(this.activeEpoch, DRAIN_IDLE_CLOSE_MS);
  }

  /** No exchange in flight: FIN now, and destroy after delayed_close_timeout even if the client never closes. */
  private closeBetweenRequests(): void {
    this.lingerThenClose();
    this.socket.end();
  }

  // ------------------------------------------------------------ socket events

  private readonly onData = (data: Buffer): void => {
    if (this.discarding) return;
    this.activeEpoch = this.hcm.sweeper.epoch;
    const headersTimeoutMs = this.hcm.config.requestHeadersTimeoutMs;
    if (headersTimeoutMs > 0 && this.stream === undefined && this.headersTimer === undefined) {
      this.headersTimer = setTimeout(onHeadersTimeout, headersTimeoutMs, this);
    }
    try {
      this.parser.execute(data);
    } catch (err) {
      this.onParseError(err);
    }
  };

  private readonly onDrain = (): void => {
    this.activeEpoch = this.hcm.sweeper.epoch;
    this.stream?.onDownstreamWritable();
  };

  private readonly onEnd = (): void => {
    // Half-close from the client: finish the current exchange, then close.
    this.keepAlive = false;
    if (this.stream === undefined) this.socket.end();
    else if (!this.requestEnded) this.abortStream();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    if (this.headersTimer !== undefined) clearTimeout(this.headersTimer);
    if (this.durationTimer !== undefined) clearTimeout(this.durationTimer);
    this.hcm.sweeper.remove(this);
    this.clearRequestTimer();
    if (this.stream !== undefined) this.abortStream();
    this.hcm.onConnectionClosed(this);
  };

  /** Idle timeouts: stream_idle_timeout while a request is open, the connection idle timeout otherwise. */
  onSweep(): void {
    const cfg = this.hcm.config;
    const sweeper = this.hcm.sweeper;
    if (this.draining && this.stream === undefined && !this.discarding && this.quietForDrain()) {
      this.closeBetweenRequests();
      return;
    }
    if (this.stream !== undefined) {
      const ms = this.stream.idleTimeoutMs;
      if (ms === 0 || !sweeper.expired(this.activeEpoch, ms)) return;
      this.hcm.stats.downstreamRqIdleTimeout.inc();
      this.keepAlive = false;
      this.activeEpoch = sweeper.epoch;
      this.stream.sendLocalReply(408, 'stream timeout', 'SI');
      return;
    }
    if (cfg.idleTimeoutMs === 0 || this.discarding || !sweeper.expired(this.activeEpoch, cfg.idleTimeoutMs))
      return;
    this.hcm.stats.downstreamCxIdleTimeout.inc();
    this.closeBetweenRequests();
  }

  // ------------------------------------------------------------ parser events

  onHead(msg: MessageHead): boolean {
    if (msg.status !== 0) return true;
    if (this.headersTimer !== undefined) {
      clearTimeout(this.headersTimer);
      this.headersTimer = undefined;
    }
    this.versionMinor = msg.versionMinor;
    this.keepAlive = msg.keepAlive && this.keepAlive;
    const maxRequests = this.hcm.config.maxRequestsPerConnection;
    if (maxRequests > 0 && ++this.requestsSeen >= maxRequests && this.keepAlive) {
      this.hcm.stats.downstreamCxMaxRequestsReached.inc();
      this.keepAlive = false;
    }
    this.isHeadRequest = msg.method === 'HEAD';
    this.requestEnded = false;
    this.chunkedResponse = false;
    const head = this.toRequestHead(msg);
    if (head === undefined) return false;
    if (msg.expectContinue) {
      head.headers.remove('expect');
      if (msg.bodyKind !== BodyKind.None) this.socket.write(CONTINUE, 'latin1');
    }
    const noBody = msg.bodyKind === BodyKind.None && !msg.upgrade;
    if (noBody) this.requestEnded = true;
    const requestTimeoutMs = this.hcm.config.requestTimeoutMs;
    if (requestTimeoutMs > 0 && !noBody)
      this.requestTimer = setTimeout(onRequestTimeout, requestTimeoutMs, this);
    const stream = this.hcm.newStream(head, this.info, this, noBody, msg.upgrade ? upgradeType(msg) : '');
    // A local reply (no route, missing host, a filter's denial) may have finished the exchange
    // inside newStream, responseDone included: keeping it as current would stall the connection.
    if (!stream.responseComplete) this.stream = stream;
    return true;
  }

  onBody(chunk: Buffer): void {
    this.stream?.onRequestData(chunk, false);
  }

  onMessageComplete(trailers: string[] | undefined): boolean {
    const stream = this.stream;
    this.clearRequestTimer();
    if (!this.requestEnded) {
      this.requestEnded = true;
      if (stream !== undefined) {
        if (trailers !== undefined) stream.onRequestTrailers(new HeaderMap(trailers));
        else stream.onRequestData(EMPTY, true);
      }
    }
    // Hold pipelined requests until this response is done.
    return this.stream === undefined;
  }

  /** Called by the timer when the whole request did not arrive within request_timeout. */
  requestTimedOut(): void {
    this.requestTimer = undefined;
    if (this.stream === undefined || this.requestEnded) return;
    this.hcm.stats.downstreamRqTimeout.inc();
    this.keepAlive = false;
    this.stream.sendLocalReply(408, 'request timeout', '');
  }

  // ------------------------------------------------------------ ResponseEncoder

  encodeHeaders(status: number, headers: HeaderMap, endStream: boolean): void {
    this.activeEpoch = this.hcm.sweeper.epoch;
    if (status === 101) {
      this.socket.write(serializeFields(headers, statusLine(101)) + '\r\n', 'latin1');
      return;
    }
    const noBody = this.isHeadRequest || status === 204 || status === 304 || status < 200;
    if (!noBody) {
      if (headers.has('content-length')) {
        // Framed by the upstream's (or local reply's) length.
      } else if (endStream) {
        headers.add('content-length', '0');
      } else if (this.versionMinor === 1) {
        headers.add('transfer-encoding', 'chunked');
        this.chunkedResponse = true;
      } else {
        this.keepAlive = false;
      }
    }
    if (!this.requestEnded) this.keepAlive = false;
    if (!this.keepAlive) headers.set('connection', 'close');
    else if (this.versionMinor === 0) headers.set('connection', 'keep-alive');
    const head = serializeFields(headers, statusLine(status)) + '\r\n';
    if (endStream || noBody) {
      this.socket.write(head, 'latin1');
      if (endStream) this.responseDone();
      return;
    }
    // Hold the head so that it leaves with the first body bytes in one write; if no body comes
    // in this tick (a streaming response), it goes out alone.
    this.pendingHead = head;
    process.nextTick(flushPendingHead, this);
  }

  encodeData(chunk: Buffer, endStream: boolean): boolean {
    // Response bytes are stream activity too (stream_idle_timeout covers both directions).
    this.activeEpoch = this.hcm.sweeper.epoch;
    const s = this.socket;
    if (this.isHeadRequest) {
      if (endStream) this.responseDone();
      return true;
    }
    const head = this.pendingHead;
    this.pendingHead = undefined;
    const ok = this.chunkedResponse ? this.writeChunk(head, chunk, endStream) : this.writeRaw(head, chunk);
    if (endStream) this.responseDone();
    return ok && !s.writableNeedDrain;
  }

  encodeTrailers(trailers: HeaderMap): void {
    const head = this.pendingHead;
    this.pendingHead = undefined;
    if (head !== undefined) this.socket.write(head, 'latin1');
    if (this.chunkedResponse && !this.isHeadRequest) {
      this.socket.write(lastChunkWithTrailers(trailers), 'latin1');
    }
    this.responseDone();
  }

  /** Writes the held head (if any) out now. */
  flushHead(): void {
    const head = this.pendingHead;
    if (head === undefined) return;
    this.pendingHead = undefined;
    this.socket.write(head, 'latin1');
  }

  private writeRaw(head: string | undefined, chunk: Buffer): boolean {
    const s = this.socket;
    if (head === undefined) return chunk.length === 0 || s.write(chunk);
    if (chunk.length === 0) return s.write(head, 'latin1');
    if (chunk.length <= COALESCE_LIMIT) {
      const out = Buffer.allocUnsafe(head.length + chunk.length);
      out.write(head, 0, 'latin1');
      chunk.copy(out, head.length);
      return s.write(out);
    }
    s.cork();
    s.write(head, 'latin1');
    const ok = s.write(chunk);
    s.uncork();
    return ok;
  }

  private writeChunk(head: string | undefined, chunk: Buffer, endStream: boolean): boolean {
    const s = this.socket;
    let prefix = head ?? '';
    if (chunk.length > 0) prefix += chunkHeader(chunk.length);
    const suffix = chunk.length > 0 ? (endStream ? '\r\n0\r\n\r\n' : '\r\n') : endStream ? '0\r\n\r\n' : '';
    if (chunk.length <= COALESCE_LIMIT) {
      const out = Buffer.allocUnsafe(prefix.length + chunk.length + suffix.length);
      out.write(prefix, 0, 'latin1');
      chunk.copy(out, prefix.length);
      out.write(suffix, prefix.length + chunk.length, 'latin1');
      return out.length === 0 || s.write(out);
    }
    s.cork();
    s.write(prefix, 'latin1');
    s.write(chunk);
    const ok = s.write(suffix, 'latin1');
    s.uncork();
    return ok;
  }

  resetStream(): void {
    this.stream = undefined;
    this.socket.destroy();
  }

  readDisable(disable: boolean): void {
    if (disable === this.readPaused || this.closed) return;
    this.readPaused = disable;
    if (disable) this.socket.pause();
    else this.socket.resume();
  }

  takeSocket(): { socket: net.Socket; rest: Buffer | undefined } | undefined {
    const s = this.socket;
    s.pause();
    s.removeListener('data', this.onData);
    s.removeListener('drain', this.onDrain);
    s.removeListener('end', this.onEnd);
    this.hcm.sweeper.remove(this);
    this.stream = undefined;
    this.parser.detach();
    return { socket: s, rest: this.parser.takeRemaining() };
  }

  // ------------------------------------------------------------ internals

  private toRequestHead(msg: MessageHead): RequestHead | undefined {
    const headers = new HeaderMap(msg.headers);
    let authority = headers.get('host') ?? '';
    if (authority !== '') headers.remove('host');
    let path = msg.target;
    const c0 = path.charCodeAt(0);
    if (c0 !== 47 /* / */) {
      if (msg.method === 'CONNECT') {
        authority = path;
        path = '';
      } else if (path === '*' && msg.method === 'OPTIONS') {
        // asterisk-form
      } else if (path.startsWith('http://') || path.startsWith('https://')) {
        const start = path.indexOf('//') + 2;
        const slash = path.indexOf('/', start);
        authority = path.slice(start, slash < 0 ? path.length : slash);
        path = slash < 0 ? '/' : path.slice(slash);
      } else {
        this.rejectRaw(400, 'invalid request target');
        return undefined;
      }
    }
    if (msg.versionMinor === 0) {
      const h1 = this.hcm.config.http1;
      if (!h1.acceptHttp10) {
        this.rejectRaw(426, 'HTTP/1.0 not allowed');
        return undefined;
      }
      if (authority === '') authority = h1.defaultHostForHttp10;
    }
    this.trailersOk = this.versionMinor === 1 && hasTrailersToken(headers.get('te'));
    return {
      method: msg.method,
      path,
      authority,
      scheme: this.info.tls ? 'https' : 'http',
      headers,
      protocol: msg.versionMinor === 1 ? 'HTTP/1.1' : 'HTTP/1.0',
    };
  }

  private onParseError(err: unknown): void {
    if (!(err instanceof ParseError)) throw err;
    this.hcm.stats.downstreamCxProtocolError.inc();
    this.lingerThenClose();
    if (this.stream !== undefined && !this.stream.responseStarted) {
      this.keepAlive = false;
      this.stream.sendLocalReply(err.status, err.message, 'DPE');
      return;
    }
    if (this.stream !== undefined) return this.abortStream();
    this.rejectRaw(err.status, err.message);
  }

  /** Answers without a stream (the request never became one) and closes. */
  private rejectRaw(status: number, message: string): void {
    this.keepAlive = false;
    this.hcm.countRawReply(status);
    const body = `${message}\n`;
    const cfg = this.hcm.config;
    // Like every other response (decorateResponse): no upstream server header to keep here.
    const server = cfg.serverHeaderTransformation === 'PASS_THROUGH' ? '' : `server: ${cfg.serverName}\r\n`;
    const head = `${statusLine(status)}content-length: ${body.length}\r\ncontent-type: text/plain\r\n${server}connection: close\r\n\r\n`;
    this.lingerThenClose();
    this.socket.end(head + body, 'latin1');
  }

  /**
   * Stops parsing but keeps reading (and dropping) what the client still sends for up to
   * delayed_close_timeout, so that closing with unread bytes does not reset the connection before
   * the client has read our error response.
   */
  private lingerThenClose(): void {
    if (this.discarding) return;
    this.discarding = true;
    this.parser.detach();
    const ms = this.hcm.config.delayedCloseTimeoutMs;
    setTimeout(destroySocket, ms > 0 ? ms : 1000, this.socket).unref();
  }

  private abortStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.onDownstreamReset();
    this.socket.destroy();
  }

  private responseDone(): void {
    this.stream = undefined;
    this.activeEpoch = this.hcm.sweeper.epoch;
    if (!this.keepAlive || !this.requestEnded) {
      this.clearRequestTimer();
      this.lingerThenClose();
      this.socket.end();
      return;
    }
    if (this.readPaused) this.readDisable(false);
    try {
      this.parser.resume();
    } catch (err) {
      this.onParseError(err);
    }
  }

  private clearRequestTimer(): void {
    if (this.requestTimer !== undefined) {
      clearTimeout(this.requestTimer);
      this.requestTimer = undefined;
    }
  }
}

function onRequestTimeout(conn: Http1ServerConnection): void {
  conn.requestTimedOut();
}

function onHeadersTimeout(conn: Http1ServerConnection): void {
  conn.headersTimedOut();
}

function onMaxDuration(conn: Http1ServerConnection): void {
  conn.maxDurationReached();
}

function destroySocket(socket: net.Socket): void {
  socket.destroy();
}

function flushPendingHead(conn: Http1ServerConnection): void {
  conn.flushHead();
}

function noop(): void {}

function upgradeType(msg: MessageHead): string {
  if (msg.method === 'CONNECT') return 'CONNECT';
  const h = msg.headers;
  for (let i = 0; i < h.length; i += 2) if (h[i] === 'upgrade') return h[i + 1]!.toLowerCase();
  return '';
}

function hasTrailersToken(te: string | undefined): boolean {
  return te?.toLowerCase().includes('trailers') === true;
}
