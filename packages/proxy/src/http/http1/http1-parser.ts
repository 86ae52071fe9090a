/**
 * A strict, incremental HTTP/1.x parser for requests (downstream) and responses (upstream).
 *
 * It is written for a proxy: it rejects anything ambiguous instead of guessing (bare LF, obs-fold,
 * whitespace before a colon, conflicting Content-Length/Transfer-Encoding, unknown transfer
 * codings), because two parsers that disagree on message boundaries are how request smuggling
 * happens. Heads are parsed from one latin1 string; bodies are passed through as Buffer slices
 * without copying. Events go to a `Http1ParserHandler` object, so the parser allocates no closures.
 */

import { ChunkedDecoder } from './chunked-decoder.ts';
import { ParseError } from './parse-error.ts';

/** How a message body is delimited. */
export const BodyKind = {
  None: 0,
  ContentLength: 1,
  Chunked: 2,
  /** Response body delimited by connection close. */
  UntilClose: 3,
} as const;
export type BodyKind = (typeof BodyKind)[keyof typeof BodyKind];

export interface MessageHead {
  /** Request: method. Response: '' */
  method: string;
  /** Request: request-target. Response: '' */
  target: string;
  /** Response: status code. Request: 0 */
  status: number;
  /** Response: reason phrase. */
  reason: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor: number;
  /** Flat lower-case name/value pairs, as received (including host, connection, te...). */
  headers: string[];
  bodyKind: BodyKind;
  contentLength: number;
  /** Whether the connection may be reused after this message, per version and Connection. */
  keepAlive: boolean;
  /** Request carries `Connection: upgrade` and an `Upgrade` header (or is CONNECT). */
  upgrade: boolean;
  /** Request: `Expect: 100-continue` on HTTP/1.1. */
  expectContinue: boolean;
}

export interface Http1ParserHandler {
  /** A complete head arrived. Return false to pause parsing (the rest stays buffered). */
  onHead(head: MessageHead): boolean | undefined;
  onBody(chunk: Buffer): void;
  /** The message (with its body) is complete; trailers are flat pairs or undefined. */
  onMessageComplete(trailers: string[] | undefined): boolean | undefined;
}

export interface Http1ParserOptions {
  /** Max bytes of the request line plus headers (431 beyond). */
  maxHeaderBytes: number;
  /** Max number of header fields (431 beyond). */
  maxHeaderCount: number;
}

const State = {
  Head: 0,
  Body: 1,
  Done: 2,
  /** After an upgrade (or a failed parse): bytes are no longer HTTP. */
  Detached: 3,
  /** After a message that ends the connection (not keep-alive): only CRLFs may follow. */
  Closed: 4,
} as const;
type State = (typeof State)[keyof typeof State];

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
/** tchar (RFC 9110 section 5.6.2): 1 where allowed in a token (method, field name). */
const TOKEN_CHARS = charTable(
  (c) => c > 32 && c < 127 && !'"(),/:;<=>?@[\\]{}'.includes(String.fromCharCode(c)),
);
/**
 * Request-target bytes: visible ASCII only. A URI is ASCII (RFC 3986); raw bytes >= 0x80 would be
 * matched by routes and policies as latin1 while a backend may decode them as UTF-8.
 */
const TARGET_CHARS = charTable((c) => c > 32 && c < 127);
/** field-value bytes: HTAB, SP, visible ASCII, obs-text. CR, LF and other controls are not. */
const VALUE_CHARS = charTable((c) => c === 9 || (c >= 32 && c < 127) || c >= 128);

function charTable(allowed: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = allowed(c) ? 1 : 0;
  return t;
}

/** The three ASCII digits at `at` as a number, or -1. */
function threeDigits(text: string, at: number): number {
  let n = 0;
  for (let i = at; i < at + 3; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export class Http1Parser {
  readonly isRequest: boolean;
  private readonly options: Http1ParserOptions;
  private readonly handler: Http1ParserHandler;
  private state: State = State.Head;
  private pending: Buffer | undefined;
  private paused = false;
  private bodyKind: BodyKind = BodyKind.None;
  private remaining = 0;
  /** The current message leaves the connection open for another one. */
  private keepAlive = true;
  private readonly chunked = new ChunkedDecoder();
  /** Bytes of an incomplete head, from its start, whose complete lines were already checked. */
  private headChecked = 0;
  /** For responses: the request was HEAD, so the response has no body whatever it says. */
  expectNoBody = false;

  constructor(isRequest: boolean, handler: Http1ParserHandler, options: Http1ParserOptions) {
    this.isRequest = isRequest;
    this.handler = handler;
    this.options = options;
  }

  /** Whether the parser sits between messages (or after the last one) with nothing buffered. */
  get idle(): boolean {
    return (this.state === State.Head || this.state === State.Closed) && this.pending === undefined;
  }

  /** Feeds bytes; throws ParseError on malformed input (the connection must then be closed). */
  execute(data: Buffer): void {
    if (this.pending !== undefined) {
      data = Buffer.concat([this.pending, data]);
      this.pending = undefined;
    }
    this.run(data);
  }

  /** Stops after the current event; remaining bytes are kept until `resume`. */
  pause(): void {
    this.paused = true;
  }

  /** Continues with buffered bytes, if any. */
  resume(): void {
    this.paused = false;
    const data = this.pending;
    if (data === undefined) return;
    this.pending = undefined;
    this.run(data);
  }

  /** Bytes after an upgrade head, handed over to whoever owns the tunnel. */
  takeRemaining(): Buffer | undefined {
    const rest = this.pending;
    this.pending = undefined;
    return rest;
  }

  /** Marks the stream as no longer HTTP (after an upgrade or an error). */
  detach(): void {
    this.state = State.Detached;
  }

  /** The peer closed: completes a close-delimited body; returns false if a message was cut short. */
  finish(): boolean {
    if (this.state === State.Body && this.bodyKind === BodyKind.UntilClose) {
      this.state = State.Closed;
      this.handler.onMessageComplete(undefined);
      return true;
    }
    return this.idle;
  }

  private run(data: Buffer): void {
    let off = 0;
    while (off < data.length) {
      if (this.paused) {
        this.pending = off === 0 ? data : data.subarray(off);
        return;
      }
      if (this.state === State.Head) {
        const used = this.parseHead(data, off);
        if (used < 0) {
          this.pending = off === 0 ? data : data.subarray(off);
          return;
        }
        off = used;
      } else if (this.state === State.Body) {
        off = this.parseBody(data, off);
      } else if (this.state === State.Closed) {
        off = this.skipAfterClose(data, off);
      } else {
        // Detached (upgrade): keep the rest for the tunnel owner.
        this.pending = off === 0 ? data : data.subarray(off);
        return;
      }
    }
  }

  /** Returns the offset after the head, or -1 when more bytes are needed. */
  private parseHead(data: Buffer, off: number): number {
    // Tolerate empty lines between messages (RFC 9112 section 2.2), but only CRLF ones.
    while (off < data.length && data[off] === 13) {
      if (off + 1 >= data.length) return -1;
      if (data[off + 1] !== 10) throw badRequest('TANDEM_ERR_HTTP1_BAD_LINE', 'bare CR before message');
      off += 2;
    }
    if (off >= data.length) return data.length;
    if (data[off] === 10) throw badRequest('TANDEM_ERR_HTTP1_BAD_LINE', 'bare LF before message');
    // Lines already checked end in CRLF, so the blank line can start 2 bytes before them at most.
    const checked = this.headChecked;
    const end = data.indexOf(CRLFCRLF, checked > 2 ? off + checked - 2 : off);
    if (end < 0) {
      if (data.length - off > this.options.maxHeaderBytes) throw headersTooLarge(this.isRequest);
      this.checkPartialHead(data, off);
      return -1;
    }
    if (checked !== 0) this.headChecked = 0;
    if (end - off > this.options.maxHeaderBytes) throw headersTooLarge(this.isRequest);
    const text = data.toString('latin1', off, end);
    const head = this.isRequest ? this.parseRequestText(text) : this.parseResponseText(text);
    this.beginBody(head);
    const cont = this.handler.onHead(head);
    if (cont === false) this.paused = true;
    if (head.upgrade) {
      this.state = State.Detached;
    } else if (this.state === State.Done) {
      this.completeMessage(undefined);
    }
    return end + 4;
  }

  private parseRequestText(text: string): MessageHead {
    const len = text.length;
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = len;
    const head = parseRequestLine(text, lineEnd);
    this.parseFields(text, lineEnd === len ? len : lineEnd + 2, head.headers);
    this.applyRequestSemantics(head);
    return head;
  }

  private parseResponseText(text: string): MessageHead {
    const len = text.length;
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = len;
    const head = parseStatusLine(text, lineEnd);
    this.parseFields(text, lineEnd === len ? len : lineEnd + 2, head.headers);
    this.applyResponseSemantics(head);
    return head;
  }

  /**
   * The head is still incomplete: checks the lines that are complete (once each), so that a
   * malformed head is rejected when its bad line arrives rather than when the peer gives up. A
   * client that ends lines with a bare LF would otherwise wait for a CRLFCRLF that never comes.
   * Only the slow path (a head split across reads) pays for this.
   */
  private checkPartialHead(data: Buffer, off: number): void {
    let line = off + this.headChecked;
    for (let lf = data.indexOf(10, line); lf >= 0; lf = data.indexOf(10, line)) {
      if (lf === line || data[lf - 1] !== 13) throw fieldError(this.isRequest, 'bare LF in message head');
      const text = data.toString('latin1', line, lf - 1);
      if (line === off) {
        if (this.isRequest) parseRequestLine(text, text.length);
        else parseStatusLine(text, text.length);
      } else {
        this.parseFields(text, 0, []);
      }
      line = lf + 1;
    }
    this.headChecked = line - off;
    // The field line being received: leading whitespace is obs-fold (or space after the start
    // line), and a CR there must be the start of the blank line.
    if (line > off && line < data.length) {
      const c = data[line];
      if (c === 32 || c === 9) throw fieldError(this.isRequest, 'whitespace at the start of a header line');
      if (c === 13 && line + 1 < data.length && data[line + 1] !== 10)
        throw fieldError(this.isRequest, 'bare CR in message head');
    }
  }

  /**
   * Parses `name: value` lines from `start` to the end of `text` into flat pairs, in one pass
   * that checks every byte against the field-name and field-value tables (no obs-fold, no bare
   * CR or LF, no whitespace before the colon).
   */
  private parseFields(text: string, start: number, out: string[]): void {
    const max = this.options.maxHeaderCount * 2;
    const isRequest = this.isRequest;
    const len = text.length;
    let pos = start;
    while (pos < len) {
      let i = pos;
      let upper = false;
      for (; i < len; i++) {
        const c = text.charCodeAt(i);
        if (TOKEN_CHARS[c] !== 1) break;
        if (c <= 90 && c >= 65) upper = true;
      }
      if (i === pos || i >= len || text.charCodeAt(i) !== 58)
        throw fieldError(isRequest, 'malformed header line');
      const name = upper ? text.slice(pos, i).toLowerCase() : text.slice(pos, i);
      i++;
      while (i < len && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      const valueStart = i;
      let valueEnd = i;
      for (; i < len; i++) {
        const c = text.charCodeAt(i);
        if (c === 13) break;
        if (VALUE_CHARS[c] !== 1) throw fieldError(isRequest, 'invalid character in header value');
        if (c !== 32 && c !== 9) valueEnd = i + 1;
      }
      if (i < len) {
        if (text.charCodeAt(i + 1) !== 10) throw fieldError(isRequest, 'bare CR in header');
        pos = i + 2;
      } else {
        pos = len;
      }
      if (out.length >= max) {
        throw isRequest
          ? new ParseError('TANDEM_ERR_HTTP1_TOO_MANY_HEADERS', 'too many headers', 431)
          : badGateway('too many headers');
      }
      out.push(name, text.slice(valueStart, valueEnd));
    }
  }

  private applyRequestSemantics(head: MessageHead): void {
    const framing = readFraming(head, true);
    let connectionClose = false;
    let connectionUpgrade = false;
    let keepAliveToken = false;
    let upgradeHeader = false;
    let h2cUpgrade = false;
    let hosts = 0;
    const h = head.headers;
    for (let i = 0; i < h.length; i += 2) {
      const name = h[i];
      if (name === 'connection') {
        const v = h[i + 1]!.toLowerCase();
        if (hasToken(v, 'close')) connectionClose = true;
        if (hasToken(v, 'upgrade')) connectionUpgrade = true;
        if (hasToken(v, 'keep-alive')) keepAliveToken = true;
      } else if (name === 'upgrade') {
        upgradeHeader = true;
        h2cUpgrade = isH2c(h[i + 1]!);
      } else if (name === 'host') hosts++;
      else if (name === 'expect' && head.versionMinor === 1 && h[i + 1]!.toLowerCase() === '100-continue') {
        head.expectContinue = true;
      }
    }
    if (hosts > 1) throw badRequest('TANDEM_ERR_HTTP1_HOST', 'multiple Host headers');
    if (hosts === 0 && head.versionMinor === 1)
      throw badRequest('TANDEM_ERR_HTTP1_HOST', 'missing Host header');
    head.bodyKind = framing.kind;
    head.contentLength = framing.length;
    head.keepAlive = head.versionMinor === 1 ? !connectionClose : keepAliveToken && !connectionClose;
    // An offer to switch to h2c is declined, as Envoy does: the request is served as HTTP/1.1
    // and its upgrade headers go as hop-by-hop headers.
    head.upgrade = (connectionUpgrade && upgradeHeader && !h2cUpgrade) || head.method === 'CONNECT';
  }

  private applyResponseSemantics(head: MessageHead): void {
    let connectionClose = false;
    let keepAliveToken = false;
    const h = head.headers;
    for (let i = 0; i < h.length; i += 2) {
      if (h[i] !== 'connection') continue;
      const v = h[i + 1]!.toLowerCase();
      if (hasToken(v, 'close')) connectionClose = true;
      if (hasToken(v, 'keep-alive')) keepAliveToken = true;
    }
    const s = head.status;
    if (this.expectNoBody || s < 200 || s === 204 || s === 304) {
      head.bodyKind = BodyKind.None;
    } else {
      const framing = readFraming(head, false);
      head.bodyKind = framing.kind;
      head.contentLength = framing.length;
    }
    head.keepAlive =
      head.bodyKind !== BodyKind.UntilClose &&
      (head.versionMinor === 1 ? !connectionClose : keepAliveToken && !connectionClose);
    head.upgrade = s === 101;
  }

  private beginBody(head: MessageHead): void {
    this.bodyKind = head.bodyKind;
    this.keepAlive = head.keepAlive;
    if (
      head.bodyKind === BodyKind.None ||
      (head.bodyKind === BodyKind.ContentLength && head.contentLength === 0)
    ) {
      // A 1xx interim response (other than 101) is followed by the real response head.
      const interim = head.status !== 0 && head.status < 200 && head.status !== 101;
      this.state = interim ? State.Head : State.Done;
      return;
    }
    if (head.bodyKind === BodyKind.Chunked) this.chunked.reset();
    this.remaining = head.contentLength;
    this.state = State.Body;
  }

  private parseBody(data: Buffer, off: number): number {
    if (this.bodyKind === BodyKind.ContentLength) {
      const n = Math.min(this.remaining, data.length - off);
      this.remaining -= n;
      this.handler.onBody(off === 0 && n === data.length ? data : data.subarray(off, off + n));
      if (this.remaining === 0) this.completeMessage(undefined);
      return off + n;
    }
    if (this.bodyKind === BodyKind.UntilClose) {
      this.handler.onBody(off === 0 ? data : data.subarray(off));
      return data.length;
    }
    const next = this.chunked.decode(data, off, this.handler, this.isRequest);
    if (this.chunked.done) this.completeMessage(this.chunked.takeTrailers());
    return next;
  }

  /**
   * The last message said the connection closes after it: whatever follows would be parsed by
   * nobody else (the peer meant it as a new message, or it is junk), so only CRLF is allowed.
   */
  private skipAfterClose(data: Buffer, off: number): number {
    for (; off < data.length; off++) {
      const c = data[off];
      if (c !== 13 && c !== 10) {
        throw this.isRequest
          ? badRequest('TANDEM_ERR_HTTP1_DATA_AFTER_CLOSE', 'data after Connection: close')
          : badGateway('data after Connection: close');
      }
    }
    return off;
  }

  private completeMessage(trailers: string[] | undefined): void {
    this.state = this.keepAlive ? State.Head : State.Closed;
    const cont = this.handler.onMessageComplete(trailers);
    if (cont === false) this.paused = true;
  }
}

/** request-line = method SP request-target SP HTTP-version, every byte checked by table. */
function parseRequestLine(text: string, lineEnd: number): MessageHead {
  let i = 0;
  while (i < lineEnd && TOKEN_CHARS[text.charCodeAt(i)] === 1) i++;
  if (i === 0 || i >= lineEnd || text.charCodeAt(i) !== 32) {
    throw badRequest('TANDEM_ERR_HTTP1_REQUEST_LINE', 'malformed request line');
  }
  const method = text.slice(0, i);
  const targetStart = ++i;
  while (i < lineEnd && TARGET_CHARS[text.charCodeAt(i)] === 1) i++;
  if (i === targetStart || i >= lineEnd || text.charCodeAt(i) !== 32) {
    throw badRequest('TANDEM_ERR_HTTP1_TARGET', 'invalid request target');
  }
  const target = text.slice(targetStart, i);
  const versionMinor = parseVersion(text.slice(i + 1, lineEnd));
  return newHead(method, target, 0, '', versionMinor);
}

/** "HTTP/1.1 200 OK": version SP 3DIGIT SP reason (reason may be empty; the SP may be missing). */
function parseStatusLine(text: string, lineEnd: number): MessageHead {
  if (lineEnd < 12 || text.charCodeAt(8) !== 32) throw badGateway('malformed status line');
  const versionMinor = parseVersion(text.slice(0, 8), true);
  const status = threeDigits(text, 9);
  if (status < 100 || (lineEnd > 12 && text.charCodeAt(12) !== 32)) throw badGateway('malformed status code');
  for (let i = 13; i < lineEnd; i++) {
    if (VALUE_CHARS[text.charCodeAt(i)] !== 1) throw badGateway('control character in status line');
  }
  return newHead('', '', status, lineEnd > 13 ? text.slice(13, lineEnd) : '', versionMinor);
}

function newHead(
  method: string,
  target: string,
  status: number,
  reason: string,
  versionMinor: number,
): MessageHead {
  return {
    method,
    target,
    status,
    reason,
    versionMinor,
    headers: [],
    bodyKind: BodyKind.None,
    contentLength: 0,
    keepAlive: false,
    upgrade: false,
    expectContinue: false,
  };
}

function parseVersion(v: string, response = false): number {
  if (v === 'HTTP/1.1') return 1;
  if (v === 'HTTP/1.0') return 0;
  if (response) throw badGateway('unsupported HTTP version');
  if (/^HTTP\/[0-9]\.[0-9]$/.test(v)) {
    throw new ParseError('TANDEM_ERR_HTTP1_VERSION', 'HTTP version not supported', 505);
  }
  throw badRequest('TANDEM_ERR_HTTP1_VERSION', 'malformed HTTP version');
}

interface Framing {
  kind: BodyKind;
  length: number;
}

/** Content-Length / Transfer-Encoding rules of RFC 9112 section 6, strictly. */
function readFraming(head: MessageHead, isRequest: boolean): Framing {
  let cl = -1;
  let te: string | undefined;
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i];
    if (name === 'content-length') {
      const n = parseContentLength(h[i + 1]!, isRequest);
      if (cl >= 0 && n !== cl) throw framingError(isRequest, 'conflicting Content-Length headers');
      cl = n;
    } else if (name === 'transfer-encoding') {
      te = te === undefined ? h[i + 1]! : `${te},${h[i + 1]}`;
    }
  }
  if (te !== undefined) {
    if (cl >= 0) throw framingError(isRequest, 'both Content-Length and Transfer-Encoding');
    if (head.versionMinor === 0 && isRequest) throw framingError(true, 'Transfer-Encoding on HTTP/1.0');
    // The length is unknowable unless chunked is the final coding: 400 (RFC 9112 section 6.3),
    // whatever the codings are. Codings before it we cannot undo: 501 (section 6.1).
    const codings = te.toLowerCase().split(',');
    const n = codings.length;
    if (codings[n - 1]!.trim() !== 'chunked')
      throw framingError(isRequest, 'Transfer-Encoding does not end with chunked');
    if (n > 1) {
      for (let i = 0; i < n - 1; i++) {
        if (codings[i]!.trim() === 'chunked') throw framingError(isRequest, 'chunked applied twice');
      }
      const c = codings[0]!.trim();
      throw isRequest
        ? new ParseError('TANDEM_ERR_HTTP1_TRANSFER_ENCODING', `unsupported transfer coding "${c}"`, 501)
        : badGateway(`unsupported transfer coding "${c}"`);
    }
    return { kind: BodyKind.Chunked, length: 0 };
  }
  if (cl >= 0) return { kind: BodyKind.ContentLength, length: cl };
  return { kind: isRequest ? BodyKind.None : BodyKind.UntilClose, length: 0 };
}

function parseContentLength(value: string, isRequest: boolean): number {
  const n = digitsValue(value);
  if (n >= 0) return n;
  // A list of identical values ("5, 5") is tolerated by RFC 9110; anything else is an error.
  let agreed = -1;
  for (const part of value.split(',')) {
    const x = digitsValue(part.trim());
    if (x < 0) throw framingError(isRequest, 'invalid Content-Length');
    if (agreed >= 0 && x !== agreed) throw framingError(isRequest, 'conflicting Content-Length values');
    agreed = x;
  }
  return agreed;
}

/** Value of a string of 1 to 15 ASCII digits, or -1. */
function digitsValue(v: string): number {
  if (v.length === 0 || v.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function hasToken(list: string, token: string): boolean {
  if (list === token) return true;
  if (list.indexOf(',') < 0) return list.trim() === token;
  for (const part of list.split(',')) if (part.trim() === token) return true;
  return false;
}

function headersTooLarge(isRequest: boolean): ParseError {
  return isRequest
    ? new ParseError('TANDEM_ERR_HTTP1_HEADERS_TOO_LARGE', 'request headers too large', 431)
    : badGateway('headers too large');
}

function badRequest(code: string, message: string): ParseError {
  return new ParseError(code, message, 400);
}

function badGateway(message: string): ParseError {
  return new ParseError('TANDEM_ERR_HTTP1_UPSTREAM_PROTOCOL', `upstream ${message}`, 502);
}

function fieldError(isRequest: boolean, message: string): ParseError {
  return isRequest ? badRequest('TANDEM_ERR_HTTP1_HEADER', message) : badGateway(message);
}

function framingError(isRequest: boolean, message: string): ParseError {
  return isRequest ? badRequest('TANDEM_ERR_HTTP1_FRAMING', message) : badGateway(message);
}

/** `Upgrade: h2c` (RFC 7540 3.2), compared without case. */
function isH2c(value: string): boolean {
  const v = value.trim();
  return v.length === 3 && v.toLowerCase() === 'h2c';
}
