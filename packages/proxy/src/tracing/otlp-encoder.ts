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
    const max = s.length * 3;
    if (max < 128) {
      // One length byte suffices: write the text, then its length.
      this.ensure(1 + max);
      const at = this.pos++;
      const n = this.buf.write(s, this.pos, 'utf8');
      this.buf[at] = n;
      this.pos += n;
      return;
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
  const kv = w.begin(field);
  w.string(1, key);
  const any = w.begin(2);
  w.string(1, value);
  w.end(any);
  w.end(kv);
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
  for (let i = 0; i < t.length; i += 2) keyValue(w, 9, t[i]!, t[i + 1]!);
  if (span.error) {
    w.message(15, (st) => {
      st.tag(3, 0);
      st.varint(2);
    });
  }
}
