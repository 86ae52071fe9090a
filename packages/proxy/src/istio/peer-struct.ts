/**
 * The wire form of Istio's peer metadata: a `google.protobuf.Struct` whose values are strings or
 * nested structs (LABELS), protobuf-encoded. Hand-written because it is tiny and runs once per
 * new peer, never per request; values of other kinds are skipped when decoding.
 */

export type PeerStruct = { [key: string]: string | PeerStruct };

export function encodePeerStruct(value: PeerStruct): Buffer {
  const parts: Buffer[] = [];
  for (const [key, v] of Object.entries(value)) {
    const encodedValue =
      typeof v === 'string' ? field(3, Buffer.from(v, 'utf8')) : field(5, encodePeerStruct(v));
    parts.push(field(1, Buffer.concat([field(1, Buffer.from(key, 'utf8')), field(2, encodedValue)])));
  }
  return Buffer.concat(parts);
}

/** Decodes a Struct; throws on malformed input (callers treat that as "no metadata"). */
export function decodePeerStruct(buf: Uint8Array): PeerStruct {
  const out: PeerStruct = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = r.varint();
    if (tag !== 0x0a) {
      r.skip(tag & 7);
      continue;
    }
    const entry = new Reader(r.bytes());
    let key = '';
    let value: string | PeerStruct | undefined;
    while (!entry.done()) {
      const t = entry.varint();
      if (t === 0x0a) key = Buffer.from(entry.bytes()).toString('utf8');
      else if (t === 0x12) value = decodeValue(entry.bytes());
      else entry.skip(t & 7);
    }
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function decodeValue(buf: Uint8Array): string | PeerStruct | undefined {
  const r = new Reader(buf);
  let value: string | PeerStruct | undefined;
  while (!r.done()) {
    const t = r.varint();
    if (t === 0x1a) value = Buffer.from(r.bytes()).toString('utf8');
    else if (t === 0x2a) value = decodePeerStruct(r.bytes());
    else r.skip(t & 7);
  }
  return value;
}

function field(num: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((num << 3) | 2), varint(payload.length), payload]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

class Reader {
  private pos = 0;
  private readonly buf: Uint8Array;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}
