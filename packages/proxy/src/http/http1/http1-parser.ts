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
} as const;
type State = (typeof State)[keyof typeof State];

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
/** Control characters forbidden anywhere in a head (CR/LF are checked as line breaks, HTAB is fine). */
const FORBIDDEN_CTL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e\x80-\xff]+$/;
const DIGITS = /^[0-9]+$/;

export class Http1Parser {
  readonly isRequest: boolean;
  private readonly options: Http1ParserOptions;
  private readonly handler: Http1ParserHandler;
  private state: State = State.Head;
  private pending: Buffer | undefined;
  private paused = false;
  private bodyKind: BodyKind = BodyKind.None;
  private remaining = 0;
  private readonly chunked = new ChunkedDecoder();
  /** For responses: the request was HEAD, so the response has no body whatever it says. */
  expectNoBody = false;

  constructor(isRequest: boolean, handler: Http1ParserHandler, options: Http1ParserOptions) {
    this.isRequest = isRequest;
    this.handler = handler;
    this.options = options;
  }

  /** Whether the parser sits between messages with nothing buffered. */
  get idle(): boolean {
    return this.state === State.Head && this.pending === undefined;
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
      this.state = State.Done;
      this.handler.onMessageComplete(undefined);
      this.state = State.Head;
      return true;
    }
    return this.state === State.Head && this.pending === undefined;
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
    const end = data.indexOf(CRLFCRLF, off);
    if (end < 0) {
      if (data.length - off > this.options.maxHeaderBytes) throw headersTooLarge();
      return -1;
    }
    if (end - off > this.options.maxHeaderBytes) throw headersTooLarge();
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
    if (FORBIDDEN_CTL.test(text))
      throw badRequest('TANDEM_ERR_HTTP1_CTL', 'control character in request head');
    const lineEnd = text.indexOf('\r\n');
    const line = lineEnd < 0 ? text : text.slice(0, lineEnd);
    const sp1 = line.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
      throw badRequest('TANDEM_ERR_HTTP1_REQUEST_LINE', 'malformed request line');
    }
    const method = line.slice(0, sp1);
    const target = line.slice(sp1 + 1, sp2);
    const version = line.slice(sp2 + 1);
    if (!TOKEN.test(method)) throw badRequest('TANDEM_ERR_HTTP1_METHOD', 'invalid method');
    if (target.length === 0 || !TARGET.test(target))
      throw badRequest('TANDEM_ERR_HTTP1_TARGET', 'invalid request target');
    const versionMinor = parseVersion(version);
    const head = newHead(method, target, 0, '', versionMinor);
    this.parseFields(text, lineEnd < 0 ? text.length : lineEnd + 2, head.headers);
    this.applyRequestSemantics(head);
    return head;
  }

  private parseResponseText(text: string): MessageHead {
    if (FORBIDDEN_CTL.test(text)) throw badGateway('control character in response head');
    const lineEnd = text.indexOf('\r\n');
    const line = lineEnd < 0 ? text : text.slice(0, lineEnd);
    // "HTTP/1.1 200 OK": version SP 3DIGIT SP reason (reason may be empty; the SP may be missing).
    if (line.length < 12 || line.charCodeAt(8) !== 32) throw badGateway('malformed status line');
    const versionMinor = parseVersion(line.slice(0, 8), true);
    const code = line.slice(9, 12);
    if (!DIGITS.test(code) || (line.length > 12 && line.charCodeAt(12) !== 32))
      throw badGateway('malformed status code');
    const head = newHead('', '', Number(code), line.length > 13 ? line.slice(13) : '', versionMinor);
    if (head.status < 100) throw badGateway('malformed status code');
    this.parseFields(text, lineEnd < 0 ? text.length : lineEnd + 2, head.headers);
    this.applyResponseSemantics(head);
    return head;
  }

  /** Parses `name: value` lines from `start` to the end of `text` into flat pairs. */
  private parseFields(text: string, start: number, out: string[]): void {
    const max = this.options.maxHeaderCount;
    const isRequest = this.isRequest;
    let pos = start;
    while (pos < text.length) {
      let eol = text.indexOf('\r\n', pos);
      if (eol < 0) eol = text.length;
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= eol || colon === pos) throw fieldError(isRequest, 'malformed header line');
      const rawName = text.slice(pos, colon);
      if (!TOKEN.test(rawName)) throw fieldError(isRequest, 'invalid header name');
      const value = trimOws(text, colon + 1, eol);
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)
        throw fieldError(isRequest, 'bare CR or LF in header');
      if (out.length >= max * 2) {
        throw isRequest
          ? new ParseError('TANDEM_ERR_HTTP1_TOO_MANY_HEADERS', 'too many headers', 431)
          : badGateway('too many headers');
      }
      out.push(rawName.toLowerCase(), value);
      pos = eol + 2;
    }
  }

  private applyRequestSemantics(head: MessageHead): void {
    const framing = readFraming(head, true);
    let connectionClose = false;
    let connectionUpgrade = false;
    let keepAliveToken = false;
    let upgradeHeader = false;
    let hosts = 0;
    const h = head.headers;
    for (let i = 0; i < h.length; i += 2) {
      const name = h[i];
      if (name === 'connection') {
        const v = h[i + 1]!.toLowerCase();
        if (hasToken(v, 'close')) connectionClose = true;
        if (hasToken(v, 'upgrade')) connectionUpgrade = true;
        if (hasToken(v, 'keep-alive')) keepAliveToken = true;
      } else if (name === 'upgrade') upgradeHeader = true;
      else if (name === 'host') hosts++;
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
    head.upgrade = (connectionUpgrade && upgradeHeader) || head.method === 'CONNECT';
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

  private completeMessage(trailers: string[] | undefined): void {
    this.state = State.Head;
    const cont = this.handler.onMessageComplete(trailers);
    if (cont === false) this.paused = true;
  }
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
    const codings = te.toLowerCase().split(',');
    const last = codings[codings.length - 1]!.trim();
    for (let i = 0; i < codings.length; i++) {
      const c = codings[i]!.trim();
      if (c === 'chunked' && i !== codings.length - 1) throw framingError(isRequest, 'chunked applied twice');
      if (c !== 'chunked') {
        throw isRequest
          ? new ParseError('TANDEM_ERR_HTTP1_TRANSFER_ENCODING', `unsupported transfer coding "${c}"`, 501)
          : badGateway(`unsupported transfer coding "${c}"`);
      }
    }
    if (last !== 'chunked') throw framingError(isRequest, 'Transfer-Encoding does not end with chunked');
    return { kind: BodyKind.Chunked, length: 0 };
  }
  if (cl >= 0) return { kind: BodyKind.ContentLength, length: cl };
  return { kind: isRequest ? BodyKind.None : BodyKind.UntilClose, length: 0 };
}

function parseContentLength(value: string, isRequest: boolean): number {
  // A list of identical values ("5, 5") is tolerated by RFC 9110; anything else is an error.
  let n = -1;
  for (const part of value.split(',')) {
    const v = part.trim();
    if (!DIGITS.test(v) || v.length > 15) throw framingError(isRequest, 'invalid Content-Length');
    const x = Number(v);
    if (n >= 0 && x !== n) throw framingError(isRequest, 'conflicting Content-Length values');
    n = x;
  }
  return n;
}

function hasToken(list: string, token: string): boolean {
  if (list === token) return true;
  for (const part of list.split(',')) if (part.trim() === token) return true;
  return false;
}

function trimOws(text: string, start: number, end: number): string {
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return text.slice(start, end);
}

function headersTooLarge(): ParseError {
  return new ParseError('TANDEM_ERR_HTTP1_HEADERS_TOO_LARGE', 'request headers too large', 431);
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
