/**
 * Upstream HTTP/1.1: one connection to one host carrying one request at a time. While a request
 * is assigned, the connection itself is the `UpstreamRequest` (no extra object per request).
 */
import type net from 'node:net';
import type { UpstreamRequest, UpstreamResponseHandler } from '../../http/codec.ts';
import { HeaderMap } from '../../http/header-map.ts';
import {
  CRLF,
  chunkHeader,
  LAST_CHUNK,
  lastChunkWithTrailers,
  serializeFields,
} from '../../http/http1/http1-encoder.ts';
import {
  BodyKind,
  Http1Parser,
  type Http1ParserHandler,
  type MessageHead,
} from '../../http/http1/http1-parser.ts';
import { ParseError } from '../../http/http1/parse-error.ts';
import type { RequestHead } from '../../http/request-head.ts';

/** What the connection needs from its pool. */
export interface Http1ConnectionOwner {
  readonly hostKey: string;
  /** The exchange finished cleanly and the connection may be reused. */
  onConnectionReusable(conn: Http1ClientConnection): void;
  /** The connection closed (for any reason). */
  onConnectionClosed(conn: Http1ClientConnection): void;
}

const UPSTREAM_LIMITS = { maxHeaderBytes: 64 * 1024, maxHeaderCount: 200 };
const EMPTY = Buffer.alloc(0);
const UPSTREAM_PROTOCOL = 'TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL';

export class Http1ClientConnection implements Http1ParserHandler, UpstreamRequest {
  readonly socket: net.Socket;
  readonly hostKey: string;
  private readonly owner: Http1ConnectionOwner;
  private readonly parser: Http1Parser;
  private handler: UpstreamResponseHandler | undefined = undefined;
  /** Requests this connection has carried, including the current one. */
  requestCount = 0;
  /** Sweeper epoch when the connection last became idle (set by the pool). */
  idleSinceEpoch = 0;
  closed = false;
  private chunkedRequest = false;
  private requestDone = false;
  private responseDone = false;
  private responseBytesSeen = false;
  /** The final response head (not a 1xx) of the current exchange has been parsed. */
  private responseHeadSeen = false;
  private keepAlive = true;
  private upgradeRequested = false;
  private readPaused = false;
  /** Set between a 101 head and the hand-over of the socket. */
  private upgraded: HeaderMap | undefined = undefined;
  /** The response had no body, so its end went out with the head. */
  private endSignalledWithHeaders = false;

  constructor(owner: Http1ConnectionOwner, socket: net.Socket) {
    this.owner = owner;
    this.hostKey = owner.hostKey;
    this.socket = socket;
    this.parser = new Http1Parser(false, this, UPSTREAM_LIMITS);
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('close', this.onClose);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  get reusedConnection(): boolean {
    return this.requestCount > 1;
  }

  get busy(): boolean {
    return this.handler !== undefined;
  }

  /** Whether the peer closed before sending any byte of the current response (stale reuse). */
  get failedBeforeResponse(): boolean {
    return !this.responseBytesSeen;
  }

  /** Binds a request to this connection. */
  assign(handler: UpstreamResponseHandler): void {
    this.handler = handler;
    this.requestCount++;
    this.requestDone = false;
    this.responseDone = false;
    this.responseBytesSeen = false;
    this.responseHeadSeen = false;
    this.chunkedRequest = false;
    this.upgradeRequested = false;
    // Parsing stopped at the end of the previous response (see onMessageComplete).
    this.parser.resume();
  }

  // ------------------------------------------------------------ UpstreamRequest

  encodeHeaders(head: RequestHead, endStream: boolean): void {
    let out = `${head.method} ${head.path} HTTP/1.1\r\nhost: ${head.authority}\r\n`;
    const headers = head.headers;
    this.parser.expectNoBody = head.method === 'HEAD';
    this.upgradeRequested = headers.has('upgrade');
    if (!headers.has('content-length')) {
      if (endStream) {
        if (methodExpectsBody(head.method)) out += 'content-length: 0\r\n';
      } else if (!this.upgradeRequested) {
        out += 'transfer-encoding: chunked\r\n';
        this.chunkedRequest = true;
      }
    }
    out = serializeFields(headers, out) + '\r\n';
    if (endStream) {
      this.requestDone = true;
      this.socket.write(out, 'latin1');
      return;
    }
    this.socket.cork();
    this.socket.write(out, 'latin1');
    process.nextTick(uncork, this.socket);
  }

  encodeData(chunk: Buffer, endStream: boolean): boolean {
    const s = this.socket;
    let ok = true;
    if (this.chunkedRequest) {
      s.cork();
      if (chunk.length > 0) {
        s.write(chunkHeader(chunk.length), 'latin1');
        s.write(chunk);
        ok = s.write(CRLF);
      }
      if (endStream) ok = s.write(LAST_CHUNK);
      s.uncork();
    } else if (chunk.length > 0) {
      ok = s.write(chunk);
    }
    if (endStream) this.finishRequest();
    return ok && !s.writableNeedDrain;
  }

  encodeTrailers(trailers: HeaderMap): void {
    if (this.chunkedRequest) this.socket.write(lastChunkWithTrailers(trailers), 'latin1');
    this.finishRequest();
  }

  reset(): void {
    this.handler = undefined;
    this.socket.destroy();
  }

  readDisable(disable: boolean): void {
    if (disable === this.readPaused || this.closed) return;
    this.readPaused = disable;
    if (disable) this.socket.pause();
    else this.socket.resume();
  }

  // ------------------------------------------------------------ parser events

  onHead(msg: MessageHead): boolean {
    if (msg.status < 200 && msg.status !== 101) return true; // 100 Continue etc. are ours to drop.
    this.responseHeadSeen = true;
    this.keepAlive = msg.keepAlive;
    const h = this.handler;
    if (h === undefined) return false;
    const headers = new HeaderMap(msg.headers);
    if (msg.status === 101) {
      // A switch nobody asked for: what follows is not HTTP, and the client cannot follow it.
      if (!this.upgradeRequested)
        throw new ParseError(UPSTREAM_PROTOCOL, 'upstream 101 without an upgrade request', 502);
      // Hand over once the parser has stored the bytes after this head (see onData).
      this.upgraded = headers;
      this.keepAlive = false;
      return false;
    }
    const noBody =
      msg.bodyKind === BodyKind.None || (msg.bodyKind === BodyKind.ContentLength && msg.contentLength === 0);
    this.endSignalledWithHeaders = noBody;
    h.onUpstreamHeaders(msg.status, headers, noBody);
    return true;
  }

  onBody(chunk: Buffer): void {
    this.handler?.onUpstreamData(chunk, false);
  }

  onMessageComplete(trailers: string[] | undefined): boolean {
    const h = this.handler;
    this.responseDone = true;
    if (h !== undefined) {
      if (trailers !== undefined) h.onUpstreamTrailers(new HeaderMap(trailers));
      else if (!this.endSignalledWithHeaders) h.onUpstreamData(EMPTY, true);
    }
    this.endSignalledWithHeaders = false;
    // Stop here: whatever follows the response is not the answer to a request we sent. onData
    // releases the connection once the parser has returned, and only if nothing followed.
    return false;
  }

  // ------------------------------------------------------------ socket events

  private readonly onData = (data: Buffer): void => {
    // Bytes on an idle connection answer no request: a late or unsolicited response, or junk.
    // Parsing them would hand them to the next request as its response; close instead (Envoy does).
    if (this.handler === undefined) return void this.socket.destroy();
    this.responseBytesSeen = true;
    try {
      this.parser.execute(data);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.failWith('protocol-error', `upstream ${this.hostKey}: ${err.message}`);
    }
    if (this.upgraded !== undefined) this.handOverUpgrade(this.upgraded);
    else this.maybeRelease();
  };

  /** After a 101: the socket leaves HTTP and becomes one end of the tunnel. */
  private handOverUpgrade(headers: HeaderMap): void {
    const h = this.handler;
    this.upgraded = undefined;
    this.handler = undefined;
    this.detachSocket();
    if (h === undefined) return void this.socket.destroy();
    h.onUpstreamUpgrade(headers, this.socket, this.parser.takeRemaining());
  }

  private readonly onDrain = (): void => {
    this.handler?.onUpstreamWritable();
  };

  private readonly onEnd = (): void => {
    // A close-delimited body ends here.
    if (this.handler === undefined) return;
    if (this.parser.finish()) return this.maybeRelease();
    this.failWith(
      this.closeReason(),
      `upstream ${this.hostKey}: connection closed before the response completed`,
    );
  };

  private readonly onError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    this.failWith(this.closeReason(), `upstream ${this.hostKey}: ${code}`);
  };

  private readonly onClose = (): void => {
    this.closed = true;
    const h = this.handler;
    this.handler = undefined;
    if (h !== undefined && !this.responseDone) {
      h.onUpstreamReset(
        this.closeReason(),
        `upstream ${this.hostKey}: connection closed before the response completed`,
      );
    }
    this.owner.onConnectionClosed(this);
  };

  // ------------------------------------------------------------ internals

  /**
   * Why the exchange failed when the connection went away: a remote reset (which the router may
   * retry on a fresh connection when it met a stale one) only if nothing of the response had
   * arrived, or once its head was complete; closed in the middle of the head, the response is
   * truncated, and the request may have been acted on.
   */
  private closeReason(): 'remote-reset' | 'protocol-error' {
    return this.responseBytesSeen && !this.responseHeadSeen ? 'protocol-error' : 'remote-reset';
  }

  private finishRequest(): void {
    this.requestDone = true;
    this.maybeRelease();
  }

  private maybeRelease(): void {
    if (!this.requestDone || !this.responseDone || this.handler === undefined) return;
    this.handler = undefined;
    // Bytes buffered past the end of the response mean the upstream sent more than it framed
    // (a desync): the connection cannot carry another exchange.
    if (this.keepAlive && !this.closed && this.parser.idle) this.owner.onConnectionReusable(this);
    else this.socket.end();
  }

  private failWith(reason: 'remote-reset' | 'protocol-error', detail: string): void {
    const h = this.handler;
    this.handler = undefined;
    this.parser.detach();
    this.socket.destroy();
    if (h !== undefined && !this.responseDone) h.onUpstreamReset(reason, detail);
  }

  private detachSocket(): void {
    const s = this.socket;
    s.pause();
    s.removeListener('data', this.onData);
    s.removeListener('drain', this.onDrain);
    s.removeListener('end', this.onEnd);
    s.removeListener('close', this.onClose);
    s.removeListener('error', this.onError);
    this.closed = true;
    this.owner.onConnectionClosed(this);
  }
}

function methodExpectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

function uncork(socket: net.Socket): void {
  socket.uncork();
}
