/**
 * Incremental decoder for `Transfer-Encoding: chunked` (RFC 9112 section 7.1), strict about line
 * endings and sizes. Data is passed on as slices of the input; nothing is copied.
 */
import { ParseError } from './parse-error.ts';

const S = {
  Size: 0,
  SizeWs: 1,
  Ext: 2,
  SizeLf: 3,
  Data: 4,
  DataCr: 5,
  DataLf: 6,
  Trailer: 7,
  TrailerLf: 8,
  Done: 9,
} as const;
type S = (typeof S)[keyof typeof S];

/** 12 hex digits: 256 TiB, far beyond any body and well inside a double's exact range. */
const MAX_SIZE_DIGITS = 12;
const MAX_TRAILER_BYTES = 64 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_EXT_BYTES = 4096;
/** RFC 9112 chunk-ext: *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ). */
const CHUNK_EXT =
  /^(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[^"\\]|\\.)*"))?)*[ \t]*$/;

export interface ChunkSink {
  onBody(chunk: Buffer): void;
}

export class ChunkedDecoder {
  private state: S = S.Size;
  private size = 0;
  private digits = 0;
  private trailerLine = '';
  private ext = '';
  private trailerBytes = 0;
  private trailers: string[] | undefined;

  get done(): boolean {
    return this.state === S.Done;
  }

  reset(): void {
    this.state = S.Size;
    this.size = 0;
    this.digits = 0;
    this.trailerLine = '';
    this.trailerBytes = 0;
    this.trailers = undefined;
  }

  takeTrailers(): string[] | undefined {
    const t = this.trailers;
    this.trailers = undefined;
    return t;
  }

  /** Decodes from `off`; returns the offset where decoding stopped (end of data or end of body). */
  decode(data: Buffer, off: number, sink: ChunkSink, isRequest: boolean): number {
    const len = data.length;
    while (off < len && this.state !== S.Done) {
      if (this.state === S.Data) {
        const n = Math.min(this.size, len - off);
        sink.onBody(data.subarray(off, off + n));
        this.size -= n;
        off += n;
        if (this.size === 0) this.state = S.DataCr;
        continue;
      }
      const c = data[off++]!;
      this.step(c, isRequest);
    }
    return off;
  }

  private step(c: number, isRequest: boolean): void {
    switch (this.state) {
      case S.Size:
        return this.sizeChar(c, isRequest);
      case S.SizeWs:
        if (c === 32 || c === 9) return;
        if (c === 59) return this.beginExt();
        throw fail(isRequest, 'invalid chunk size line');
      case S.Ext:
        if (c === 13) {
          if (!CHUNK_EXT.test(this.ext)) throw fail(isRequest, 'invalid chunk extension');
          return void (this.state = S.SizeLf);
        }
        if ((c < 32 && c !== 9) || c === 127 || this.ext.length >= MAX_EXT_BYTES) {
          throw fail(isRequest, 'invalid chunk extension');
        }
        this.ext += String.fromCharCode(c);
        return;
      case S.SizeLf:
        if (c !== 10) throw fail(isRequest, 'expected LF after chunk size');
        return void (this.state = this.size === 0 ? S.Trailer : S.Data);
      case S.DataCr:
        if (c !== 13) throw fail(isRequest, 'expected CRLF after chunk data');
        return void (this.state = S.DataLf);
      case S.DataLf:
        if (c !== 10) throw fail(isRequest, 'expected CRLF after chunk data');
        this.state = S.Size;
        this.size = 0;
        this.digits = 0;
        return;
      case S.Trailer:
        return this.trailerChar(c, isRequest);
      case S.TrailerLf:
        if (c !== 10) throw fail(isRequest, 'expected LF in trailer section');
        return this.endTrailerLine(isRequest);
    }
  }

  private sizeChar(c: number, isRequest: boolean): void {
    const v = hexValue(c);
    if (v >= 0) {
      if (++this.digits > MAX_SIZE_DIGITS) throw fail(isRequest, 'chunk size too large');
      this.size = this.size * 16 + v;
      return;
    }
    if (this.digits === 0) throw fail(isRequest, 'invalid chunk size');
    if (c === 13) this.state = S.SizeLf;
    else if (c === 59) this.beginExt();
    else if (c === 32 || c === 9) this.state = S.SizeWs;
    else throw fail(isRequest, 'invalid chunk size');
  }

  private beginExt(): void {
    this.ext = ';';
    this.state = S.Ext;
  }

  private trailerChar(c: number, isRequest: boolean): void {
    if (c === 13) return void (this.state = S.TrailerLf);
    if (c === 10 || (c < 32 && c !== 9) || c === 127) throw fail(isRequest, 'invalid character in trailer');
    if (++this.trailerBytes > MAX_TRAILER_BYTES) throw fail(isRequest, 'trailers too large');
    this.trailerLine += String.fromCharCode(c);
  }

  private endTrailerLine(isRequest: boolean): void {
    const line = this.trailerLine;
    this.trailerLine = '';
    if (line.length === 0) {
      this.state = S.Done;
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw fail(isRequest, 'malformed trailer');
    (this.trailers ??= []).push(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    this.state = S.Trailer;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function fail(isRequest: boolean, message: string): ParseError {
  return isRequest
    ? new ParseError('TANDEM_ERR_HTTP1_CHUNKED', message, 400)
    : new ParseError('TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL', `upstream ${message}`, 502);
}
