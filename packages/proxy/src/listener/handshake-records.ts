/**
 * Reassembles the first TLS handshake message from the plaintext records at the start of a
 * connection. Only record framing is checked here; client-hello.ts parses the message.
 */

const RECORD_HEADER_BYTES = 5;
const HANDSHAKE_HEADER_BYTES = 4;
const CONTENT_TYPE_HANDSHAKE = 0x16;
const HANDSHAKE_TYPE_CLIENT_HELLO = 0x01;
/** 2^14 plaintext plus the 2048 bytes of slack TLS stacks accept on a record. */
const MAX_RECORD_BYTES = 16384 + 2048;

export type HandshakeReadResult =
  | { kind: 'message'; message: Buffer }
  | { kind: 'need-more' }
  | { kind: 'not-tls' }
  | { kind: 'too-large' };

const NEED_MORE: HandshakeReadResult = Object.freeze({ kind: 'need-more' });
const NOT_TLS: HandshakeReadResult = Object.freeze({ kind: 'not-tls' });
const TOO_LARGE: HandshakeReadResult = Object.freeze({ kind: 'too-large' });

/**
 * Reads the ClientHello handshake message (4-byte header included) from `buf`, which holds the
 * first bytes received on a connection. The message may span several records. `maxBytes` caps
 * the bytes (record headers included) that may be buffered before giving up.
 */
export function readClientHelloMessage(buf: Buffer, maxBytes: number): HandshakeReadResult {
  const fragments: Buffer[] = [];
  let collected = 0;
  let needed = -1;
  for (let offset = 0; ; ) {
    if (buf.length - offset < RECORD_HEADER_BYTES) return partialRecordHeader(buf, offset, maxBytes);
    const length = buf.readUInt16BE(offset + 3);
    if (buf[offset] !== CONTENT_TYPE_HANDSHAKE || buf[offset + 1] !== 0x03) return NOT_TLS;
    if (length === 0 || length > MAX_RECORD_BYTES) return NOT_TLS;
    const end = offset + RECORD_HEADER_BYTES + length;
    if (end > maxBytes) return TOO_LARGE;
    if (end > buf.length) return NEED_MORE;
    fragments.push(buf.subarray(offset + RECORD_HEADER_BYTES, end));
    collected += length;
    if (needed < 0 && collected >= HANDSHAKE_HEADER_BYTES) {
      if (byteAt(fragments, 0) !== HANDSHAKE_TYPE_CLIENT_HELLO) return NOT_TLS;
      needed =
        HANDSHAKE_HEADER_BYTES +
        ((byteAt(fragments, 1) << 16) | (byteAt(fragments, 2) << 8) | byteAt(fragments, 3));
      if (needed > maxBytes) return TOO_LARGE;
    }
    if (needed >= 0 && collected >= needed) {
      const whole = fragments.length === 1 ? fragments[0] : Buffer.concat(fragments, collected);
      return { kind: 'message', message: whole.subarray(0, needed) };
    }
    offset = end;
  }
}

/** Fewer than 5 bytes of a record header: decide as early as the bytes allow. */
function partialRecordHeader(buf: Buffer, offset: number, maxBytes: number): HandshakeReadResult {
  const available = buf.length - offset;
  if (available >= 1 && buf[offset] !== CONTENT_TYPE_HANDSHAKE) return NOT_TLS;
  if (available >= 2 && buf[offset + 1] !== 0x03) return NOT_TLS;
  return buf.length >= maxBytes ? TOO_LARGE : NEED_MORE;
}

/** The byte at `index` of the concatenation of `fragments` (index must be in range). */
function byteAt(fragments: Buffer[], index: number): number {
  for (const fragment of fragments) {
    if (index < fragment.length) return fragment[index];
    index -= fragment.length;
  }
  return -1;
}
