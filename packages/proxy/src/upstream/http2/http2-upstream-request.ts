/**
 * One request on an upstream HTTP/2 session, adapting Node's ClientHttp2Stream events to the
 * `UpstreamResponseHandler` calls the router expects.
 */
import http2 from 'node:http2';
import type { UpstreamRequest, UpstreamResponseHandler } from '../../http/codec.ts';
import type { HeaderMap } from '../../http/header-map.ts';
import { toHeaderMap } from '../../http/http2/http2-server-sessions.ts';
import type { RequestHead } from '../../http/request-head.ts';

const EMPTY = Buffer.alloc(0);

export class Http2UpstreamRequest implements UpstreamRequest {
  readonly hostKey: string;
  readonly reusedConnection = false;
  private readonly session: http2.ClientHttp2Session;
  private readonly handler: UpstreamResponseHandler;
  private stream: http2.ClientHttp2Stream | undefined;
  private done = false;
  private endedWithHeaders = false;
  private trailersSeen = false;
  private readonly onSettled: () => void;

  constructor(
    session: http2.ClientHttp2Session,
    hostKey: string,
    handler: UpstreamResponseHandler,
    onSettled: () => void,
  ) {
    this.session = session;
    this.hostKey = hostKey;
    this.handler = handler;
    this.onSettled = onSettled;
  }

  encodeHeaders(head: RequestHead, endStream: boolean): void {
    const out: http2.OutgoingHttpHeaders = {
      ':method': head.method,
      ':path': head.path,
      ':authority': head.authority,
      ':scheme': head.scheme,
    };
    const l = head.headers.list;
    for (let i = 0; i < l.length; i += 2) {
      const name = l[i]!;
      const prev = out[name];
      if (prev === undefined) out[name] = l[i + 1]!;
      else if (Array.isArray(prev)) prev.push(l[i + 1]!);
      else out[name] = [prev as string, l[i + 1]!];
    }
    let s: http2.ClientHttp2Stream;
    try {
      s = this.session.request(out, { endStream });
    } catch (err) {
      return this.fail('protocol-error', `upstream ${this.hostKey}: ${(err as Error).message}`);
    }
    this.stream = s;
    s.on('response', this.onResponse);
    s.on('data', this.onData);
    s.on('trailers', this.onTrailers);
    s.on('end', this.onEnd);
    s.on('drain', this.onDrain);
    s.on('error', noop);
    s.on('close', this.onClose);
  }

  encodeData(chunk: Buffer, endStream: boolean): boolean {
    const s = this.stream;
    if (s === undefined || s.destroyed) return true;
    if (endStream) {
      s.end(chunk);
      return true;
    }
    return s.write(chunk);
  }

  encodeTrailers(_trailers: HeaderMap): void {
    // Request trailers are not forwarded over HTTP/2 upstreams (gRPC never sends them).
    this.stream?.end();
  }

  reset(): void {
    const s = this.stream;
    if (s !== undefined && !s.destroyed) s.close(http2.constants.NGHTTP2_CANCEL);
    this.settle();
  }

  readDisable(disable: boolean): void {
    const s = this.stream;
    if (s === undefined) return;
    if (disable) s.pause();
    else s.resume();
  }

  private readonly onResponse = (headers: http2.IncomingHttpHeaders, flags: number): void => {
    const status = Number(headers[':status']);
    if (status < 200) return;
    this.endedWithHeaders = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    this.handler.onUpstreamHeaders(status, toHeaderMap(headers), this.endedWithHeaders);
    if (this.endedWithHeaders) this.complete();
  };

  private readonly onData = (chunk: Buffer): void => {
    if (!this.done) this.handler.onUpstreamData(chunk, false);
  };

  private readonly onTrailers = (trailers: http2.IncomingHttpHeaders): void => {
    if (this.done) return;
    this.trailersSeen = true;
    this.handler.onUpstreamTrailers(toHeaderMap(trailers));
    this.complete();
  };

  private readonly onEnd = (): void => {
    if (this.done || this.trailersSeen || this.endedWithHeaders) return;
    this.handler.onUpstreamData(EMPTY, true);
    this.complete();
  };

  private readonly onDrain = (): void => {
    if (!this.done) this.handler.onUpstreamWritable();
  };

  private readonly onClose = (): void => {
    if (this.done) return;
    const code = this.stream?.rstCode ?? 0;
    const reason = code === http2.constants.NGHTTP2_REFUSED_STREAM ? 'refused-stream' : 'remote-reset';
    this.fail(reason, `upstream ${this.hostKey}: stream reset (code ${code})`);
  };

  private complete(): void {
    this.settle();
  }

  private fail(reason: 'remote-reset' | 'refused-stream' | 'protocol-error', detail: string): void {
    this.settle();
    this.handler.onUpstreamReset(reason, detail);
  }

  /**
   * Tells the pool once that this stream is over. The router may reset a request from inside the
   * handler call that delivers the end of its response (it abandons a request body the upstream
   * no longer reads), before complete() runs; both end the same stream.
   */
  private settle(): void {
    if (this.done) return;
    this.done = true;
    this.onSettled();
  }
}

function noop(): void {}
