/**
 * Writes one response onto a downstream HTTP/2 stream. Trailers need `waitForTrailers` chosen when
 * the head goes out; it is chosen when the client announced `te: trailers` (every gRPC client
 * does), and an exchange that then ends without trailers closes with an empty trailer block.
 */
import http2 from 'node:http2';
import type { ResponseEncoder } from '../codec.ts';
import type { HeaderMap } from '../header-map.ts';

export class Http2ResponseEncoder implements ResponseEncoder {
  readonly trailersAllowed: boolean;
  private readonly stream: http2.ServerHttp2Stream;
  private waitingForTrailers = false;
  private trailers: http2.OutgoingHttpHeaders | undefined;

  constructor(stream: http2.ServerHttp2Stream, trailersAllowed: boolean) {
    this.stream = stream;
    this.trailersAllowed = trailersAllowed;
  }

  encodeHeaders(status: number, headers: HeaderMap, endStream: boolean): void {
    const s = this.stream;
    if (s.destroyed || s.headersSent) return;
    const out = toOutgoing(headers);
    out[':status'] = status;
    this.waitingForTrailers = !endStream && this.trailersAllowed;
    if (this.waitingForTrailers) s.once('wantTrailers', this.onWantTrailers);
    try {
      s.respond(out, { endStream, waitForTrailers: this.waitingForTrailers });
    } catch {
      s.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
  }

  encodeData(chunk: Buffer, endStream: boolean): boolean {
    const s = this.stream;
    if (s.destroyed) return true;
    if (endStream) {
      s.end(chunk);
      return true;
    }
    return s.write(chunk);
  }

  encodeTrailers(trailers: HeaderMap): void {
    const s = this.stream;
    if (s.destroyed) return;
    this.trailers = toOutgoing(trailers);
    s.end();
  }

  resetStream(): void {
    if (!this.stream.destroyed) this.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }

  readDisable(disable: boolean): void {
    if (disable) this.stream.pause();
    else this.stream.resume();
  }

  takeSocket(): undefined {
    return undefined;
  }

  private readonly onWantTrailers = (): void => {
    try {
      this.stream.sendTrailers(this.trailers ?? {});
    } catch {
      this.stream.close();
    }
  };
}

/** A Node outgoing header object from a HeaderMap (repeated names become arrays). */
export function toOutgoing(headers: HeaderMap): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  const l = headers.list;
  for (let i = 0; i < l.length; i += 2) {
    const name = l[i]!;
    const prev = out[name];
    if (prev === undefined) out[name] = l[i + 1]!;
    else if (Array.isArray(prev)) prev.push(l[i + 1]!);
    else out[name] = [prev as string, l[i + 1]!];
  }
  return out;
}
