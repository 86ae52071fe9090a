/**
 * OTLP/HTTP protobuf: an `ExportTraceServiceRequest` (opentelemetry.proto.collector.trace.v1)
 * with one resource and one scope, hand-encoded. Only the fields Tandem sets are written.
 */
import { SPAN_KIND_CLIENT, type Span } from './span.ts';

class ProtoWriter {
  private buf = Buffer.alloc(4096);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
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

  string(field: number, s: string): void {
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  fixed64(field: number, v: bigint): void {
    this.tag(field, 1);
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
  }

  /** A nested message written by `body`. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    body(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function keyValue(w: ProtoWriter, field: number, key: string, value: string): void {
  w.message(field, (kv) => {
    kv.string(1, key);
    kv.message(2, (any) => any.string(1, value));
  });
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
  w.bytes(1, Buffer.from(span.traceId, 'hex'));
  w.bytes(2, Buffer.from(span.spanId, 'hex'));
  if (span.tracestate !== '') w.string(3, span.tracestate);
  if (span.parentId !== '') w.bytes(4, Buffer.from(span.parentId, 'hex'));
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
