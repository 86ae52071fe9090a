/**
 * What http_inspector learned from the first plaintext bytes of a connection.
 * - `need-more`: read more and call again with everything received so far.
 * - `http`: the application protocol to match filter chains on (`h2c`, `http/1.1`, `http/1.0`).
 * - `not-http`: neither an HTTP/2 preface nor an HTTP/1.x request line.
 */
export type HttpInspection =
  | { kind: 'need-more' }
  | { kind: 'not-http' }
  | { kind: 'http'; applicationProtocols: string[] };

/** Envoy's http_inspector gives up after this many bytes without a complete request line. */
export const MAX_HTTP_INSPECT_BYTES = 8192;

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const HTTP_VERSION_PREFIX = Buffer.from('HTTP/1.', 'latin1');

const NEED_MORE: HttpInspection = Object.freeze({ kind: 'need-more' });
const NOT_HTTP: HttpInspection = Object.freeze({ kind: 'not-http' });

/** A fresh result per connection: the caller may keep (and even mutate) the protocol list. */
function http(protocol: 'h2c' | 'http/1.1' | 'http/1.0'): HttpInspection {
  return { kind: 'http', applicationProtocols: [protocol] };
}

/**
 * Detects the HTTP/2 prior-knowledge preface (`h2c`) or an HTTP/1.x request line
 * (`METHOD SP target SP HTTP/1.x CRLF`, method any token) as Envoy's http_inspector does.
 * Bytes that can no longer become either are `not-http` immediately. Never throws.
 *
 * @example
 * inspectHttp(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')); // { kind: 'http', applicationProtocols: ['http/1.1'] }
 */
export function inspectHttp(buf: Buffer): HttpInspection {
  const prefaceBytes = Math.min(buf.length, H2_PREFACE.length);
  if (buf.compare(H2_PREFACE, 0, prefaceBytes, 0, prefaceBytes) === 0) {
    return buf.length >= H2_PREFACE.length ? http('h2c') : NEED_MORE;
  }
  return inspectRequestLine(buf);
}

const IN_METHOD = 0;
const IN_TARGET = 1;
const IN_VERSION = 2;
const AFTER_CR = 3;

/** RFC 9110 tchar, as a lookup table. */
const TOKEN_CHARS = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TOKEN_CHARS[ch.charCodeAt(0)] = 1;
}

/** Scans the request line with a small state machine; decides at the line end. */
function inspectRequestLine(buf: Buffer): HttpInspection {
  const limit = Math.min(buf.length, MAX_HTTP_INSPECT_BYTES);
  let state = IN_METHOD;
  let start = 0;
  for (let i = 0; i < limit; i++) {
    const c = buf[i];
    if (state === IN_METHOD) {
      if (c === 0x20 && i > start) [state, start] = [IN_TARGET, i + 1];
      else if (TOKEN_CHARS[c] === 0) return NOT_HTTP;
    } else if (state === IN_TARGET) {
      if (c === 0x20 && i > start) [state, start] = [IN_VERSION, i + 1];
      else if (c <= 0x20 || c === 0x7f) return NOT_HTTP;
    } else if (state === IN_VERSION) {
      const at = i - start;
      if (at < HTTP_VERSION_PREFIX.length) {
        if (c !== HTTP_VERSION_PREFIX[at]) return NOT_HTTP;
      } else if (at === HTTP_VERSION_PREFIX.length) {
        if (c !== 0x30 && c !== 0x31) return NOT_HTTP;
      } else if (c === 0x0d) state = AFTER_CR;
      else return c === 0x0a ? versionResult(buf, start) : NOT_HTTP;
    } else {
      return c === 0x0a ? versionResult(buf, start) : NOT_HTTP;
    }
  }
  return buf.length >= MAX_HTTP_INSPECT_BYTES ? NOT_HTTP : NEED_MORE;
}

function versionResult(buf: Buffer, versionStart: number): HttpInspection {
  return buf[versionStart + HTTP_VERSION_PREFIX.length] === 0x31 ? http('http/1.1') : http('http/1.0');
}
