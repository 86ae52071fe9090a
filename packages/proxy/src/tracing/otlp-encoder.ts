/**
 * OTLP/HTTP protobuf: an `ExportTraceServiceRequest` (opentelemetry.proto.collector.trace.v1)
 * with one resource and one scope, hand-encoded. Only the fields Tandem sets are written.
 */
import { SPAN_KIND_CLIENT, type Span } from './span.ts';

/**
 * A protobuf writer over one growing buffer. A nested message reserves five bytes for its length,
 * is written in place, then its length is written minimally and the body moved up: no buffer per
 * nested message.
 */
class ProtoWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(n: number): void {
    this.ensure(10);
    while (n > 0x7f) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Bytes encoded earlier (e.g. the tags every span of a tracer shares). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** ASCII text already in wire form (see `asciiKeyValues`), one native copy. */
  latin1(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.write(s, this.pos, s.length, 'latin1');
  }

  /** A length-delimited field from hex text (ids). */
  hex(field: number, hex: string): void {
    this.tag(field, 2);
    const n = hex.length >> 1;
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(hex, this.pos, n, 'hex');
  }

  string(field: number, s: string): void {
    this.tag(field, 2);
    const len = s.length;
    if (len < 128) {
      // Short ASCII (nearly every tag): copied in JS, cheaper than a native call per string.
      this.ensure(1 + len);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = p;
        return;
      }
    }
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  fixed64(field: number, v: bigint): void {
    this.tag(field, 1);
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
  }

  /** A nested message written by `body`. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    const at = this.begin(field);
    body(this);
    this.end(at);
  }

  /** Starts a nested message; returns where its length goes (for `end`). */
  begin(field: number): number {
    this.tag(field, 2);
    this.ensure(5);
    const lenAt = this.pos;
    this.pos += 5;
    return lenAt;
  }

  end(lenAt: number): void {
    const len = this.pos - lenAt - 5;
    let lenBytes = 1;
    for (let n = len; n > 0x7f; n = Math.floor(n / 128)) lenBytes++;
    if (lenBytes < 5) this.buf.copyWithin(lenAt + lenBytes, lenAt + 5, this.pos);
    let n = len;
    let i = lenAt;
    while (n > 0x7f) {
      this.buf[i++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[i] = n;
    this.pos -= 5 - lenBytes;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function keyValue(w: ProtoWriter, field: number, key: string, value: string): void {
  if (key.length + value.length < 122 && isAscii(key) && isAscii(value)) {
    // Every length fits in one byte: write them up front, no length patching.
    w.tag(field, 2);
    w.varint(6 + key.length + value.length);
    w.string(1, key);
    w.tag(2, 2);
    w.varint(2 + value.length);
    w.string(1, value);
    return;
  }
  const kv = w.begin(field);
  w.string(1, key);
  const any = w.begin(2);
  w.string(1, value);
  w.end(any);
  w.end(kv);
}

/** The shared tags of a tracer, encoded once as span attributes (field 9). */
const encodedFixed = new WeakMap<readonly string[], Buffer>();

function fixedAttributes(tags: readonly string[]): Buffer {
  let b = encodedFixed.get(tags);
  if (b === undefined) {
    const w = new ProtoWriter();
    for (let i = 0; i < tags.length; i += 2) keyValue(w, 9, tags[i]!, tags[i + 1]!);
    b = Buffer.from(w.finish());
    encodedFixed.set(tags, b);
  }
  return b;
}

export interface OtlpResource {
  serviceName: string;
  attributes: [string, string][];
}

export function encodeOtlpTraces(spans: readonly Span[], resource: OtlpResource): Buffer {
  const w = new ProtoWriter();
  w.message(1, (rs) => {
    rs.message(1, (res) => {
      keyValue(res, 1, 'service.name', resource.serviceName);
      for (const [k, v] of resource.attributes) keyValue(res, 1, k, v);
    });
    rs.message(2, (ss) => {
      ss.message(1, (scope) => scope.string(1, 'tandem'));
      for (const span of spans) ss.message(2, (sw) => encodeSpan(sw, span));
    });
  });
  return w.finish();
}

function encodeSpan(w: ProtoWriter, span: Span): void {
  w.hex(1, span.traceId);
  w.hex(2, span.spanId);
  if (span.tracestate !== '') w.string(3, span.tracestate);
  if (span.parentId !== '') w.hex(4, span.parentId);
  w.string(5, span.name);
  w.tag(6, 0);
  w.varint(span.kind === SPAN_KIND_CLIENT ? 3 : 2);
  const start = BigInt(Math.round(span.startWallMs * 1000)) * 1000n;
  w.fixed64(7, start);
  w.fixed64(8, start + BigInt(Math.round(span.durationMs * 1000)) * 1000n);
  const t = span.tags;
  let wire = '';
  for (let i = 0; i < t.length; i += 2) {
    const k = t[i]!;
    const v = t[i + 1]!;
    const cache = WIRE_CACHE.get(k);
    const cached = cache?.get(v);
    if (cached !== undefined) wire += cached;
    else if (k.length + v.length < 122 && isAscii(k) && isAscii(v)) {
      const kv = asciiKeyValue(k, v);
      if (cache !== undefined && cache.size < 256) cache.set(v, kv);
      wire += kv;
    } else {
      w.latin1(wire);
      wire = '';
      keyValue(w, 9, k, v);
    }
  }
  w.latin1(wire);
  if (span.fixedTags.length > 0) w.raw(fixedAttributes(span.fixedTags));
  if (span.error) {
    w.message(15, (st) => {
      st.tag(3, 0);
      st.varint(2);
    });
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

const CH: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

/**
 * A span attribute (field 9) whose key and value are short ASCII, as wire bytes in a string: every
 * length fits in one byte, so the framing is four characters on each side.
 */
function asciiKeyValue(k: string, v: string): string {
  return (
    CH[74]! +
    CH[6 + k.length + v.length]! +
    CH[10]! +
    CH[k.length]! +
    k +
    CH[18]! +
    CH[2 + v.length]! +
    CH[10]! +
    CH[v.length]! +
    v
  );
}

/** Attributes with few distinct values, whose wire form is kept (bounded) after first use. */
const WIRE_CACHE = new Map<string, Map<string, string>>(
  [
    'http.method',
    'downstream_cluster',
    'user_agent',
    'http.protocol',
    'peer.address',
    'request_size',
    'response_size',
    'http.status_code',
    'response_flags',
    'upstream_cluster',
    'upstream_cluster.name',
    'grpc.status_code',
  ].map((k) => [k, new Map<string, string>()]),
);
