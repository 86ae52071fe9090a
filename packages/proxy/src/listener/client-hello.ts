import { readClientHelloMessage } from './handshake-records.ts';

/**
 * What tls_inspector learned from the first bytes of a connection.
 * - `need-more`: read more bytes and call again with everything received so far.
 * - `not-tls`: plaintext (or a ClientHello nobody can parse); the transport is `raw_buffer`.
 * - `tls`: a ClientHello; `serverName` is the SNI lower-cased ('' if none), `alpn` the offered
 *   protocols in the client's order ([] if none or malformed).
 * - `error`: the ClientHello did not fit in 64 KiB; Envoy closes such connections.
 */
export type ClientHelloInspection =
  | { kind: 'need-more' }
  | { kind: 'not-tls' }
  | { kind: 'tls'; serverName: string; alpn: string[] }
  | { kind: 'error'; reason: 'client-hello-too-large' };

/** Envoy's tls_inspector limit on a ClientHello (max_client_hello_size). */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const MAX_HOST_NAME_BYTES = 255;

const NEED_MORE: ClientHelloInspection = Object.freeze({ kind: 'need-more' });
const NOT_TLS: ClientHelloInspection = Object.freeze({ kind: 'not-tls' });
const TOO_LARGE: ClientHelloInspection = Object.freeze({ kind: 'error', reason: 'client-hello-too-large' });

/**
 * Inspects the bytes at the start of a connection like Envoy's tls_inspector: a first byte 0x16
 * (handshake) with record version 0x03xx starts TLS; the full ClientHello (possibly spread over
 * several records) is then parsed for server_name and ALPN. Never throws, whatever the bytes.
 *
 * @example
 * const r = inspectClientHello(peeked);
 * if (r.kind === 'tls') console.log(r.serverName, r.alpn); // 'api.example.com' ['h2', 'http/1.1']
 */
export function inspectClientHello(buf: Buffer): ClientHelloInspection {
  const read = readClientHelloMessage(buf, MAX_CLIENT_HELLO_BYTES);
  switch (read.kind) {
    case 'need-more':
      return NEED_MORE;
    case 'not-tls':
      return NOT_TLS;
    case 'too-large':
      return TOO_LARGE;
    case 'message':
      return parseClientHello(read.message) ?? NOT_TLS;
  }
}

/** Bounds-checked reads over one message; a failed read leaves `ok` false and returns 0. */
class Cursor {
  ok = true;
  pos: number;
  readonly end: number;
  private readonly buf: Buffer;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  u8(): number {
    return this.pos + 1 <= this.end ? this.buf[this.pos++] : this.fail();
  }

  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  /** Skips `n` bytes and returns their start offset. */
  skip(n: number): number {
    if (this.pos + n > this.end) return this.fail();
    const start = this.pos;
    this.pos += n;
    return start;
  }

  private fail(): number {
    this.ok = false;
    this.pos = this.end;
    return 0;
  }
}

/** Parses a ClientHello message (with its 4-byte header); undefined when it is malformed. */
function parseClientHello(message: Buffer): ClientHelloInspection | undefined {
  const c = new Cursor(message, 4, message.length);
  c.skip(2 + 32); // legacy_version, random
  const sessionIdLength = c.u8();
  if (sessionIdLength > 32) return undefined;
  c.skip(sessionIdLength);
  const cipherSuitesLength = c.u16();
  if (cipherSuitesLength < 2 || cipherSuitesLength % 2 !== 0) return undefined;
  c.skip(cipherSuitesLength);
  const compressionLength = c.u8();
  if (compressionLength < 1) return undefined;
  c.skip(compressionLength);
  if (!c.ok) return undefined;
  if (c.pos === c.end) return { kind: 'tls', serverName: '', alpn: [] };
  const extensionsLength = c.u16();
  if (!c.ok || c.pos + extensionsLength !== c.end) return undefined;
  return parseExtensions(message, c);
}

function parseExtensions(message: Buffer, c: Cursor): ClientHelloInspection | undefined {
  const seen = new Set<number>();
  let serverName = '';
  let alpn: string[] = [];
  while (c.pos < c.end) {
    const type = c.u16();
    const length = c.u16();
    const start = c.skip(length);
    if (!c.ok || seen.has(type)) return undefined;
    seen.add(type);
    if (type === EXT_SERVER_NAME) {
      const name = parseServerName(message, start, start + length);
      if (name === undefined) return undefined;
      serverName = name;
    } else if (type === EXT_ALPN) {
      alpn = parseAlpn(message, start, start + length);
    }
  }
  return { kind: 'tls', serverName, alpn };
}

/** server_name: exactly one non-empty host_name without NUL bytes (as BoringSSL requires). */
function parseServerName(message: Buffer, start: number, end: number): string | undefined {
  const c = new Cursor(message, start, end);
  const listLength = c.u16();
  if (!c.ok || c.pos + listLength !== end) return undefined;
  const nameType = c.u8();
  const nameLength = c.u16();
  const nameStart = c.skip(nameLength);
  if (!c.ok || c.pos !== end || nameType !== 0) return undefined;
  if (nameLength === 0 || nameLength > MAX_HOST_NAME_BYTES) return undefined;
  if (message.subarray(nameStart, end).includes(0)) return undefined;
  return asciiLower(message.toString('latin1', nameStart, end));
}

/** ALPN protocol list; a malformed list is ignored (the TLS stack reports it), as Envoy does. */
function parseAlpn(message: Buffer, start: number, end: number): string[] {
  const c = new Cursor(message, start, end);
  const listLength = c.u16();
  if (!c.ok || c.pos + listLength !== end || listLength < 2) return [];
  const protocols: string[] = [];
  while (c.pos < end) {
    const length = c.u8();
    const protocolStart = c.skip(length);
    if (!c.ok || length === 0) return [];
    protocols.push(message.toString('latin1', protocolStart, protocolStart + length));
  }
  return protocols;
}

function asciiLower(text: string): string {
  return /[A-Z]/.test(text)
    ? text.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32))
    : text;
}
