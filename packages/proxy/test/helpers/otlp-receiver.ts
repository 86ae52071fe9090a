/**
 * A real OTLP/HTTP receiver (`@elastic/mockotlpserver`, which decodes protobuf with the official
 * OTLP protos), flattened to the spans tests assert on.
 */
import { MockOtlpServer } from '@elastic/mockotlpserver';

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 2 SERVER, 3 CLIENT. */
  kind: number;
  serviceName: string;
  attributes: Record<string, string>;
  statusCode: number;
}

type Bytes = Uint8Array | undefined;
interface KV {
  key: string;
  value?: { stringValue?: string };
}
interface Decoded {
  resourceSpans?: {
    resource?: { attributes?: KV[] };
    scopeSpans?: {
      spans?: {
        traceId?: Bytes;
        spanId?: Bytes;
        parentSpanId?: Bytes;
        name?: string;
        kind?: number;
        attributes?: KV[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

const hex = (b: Bytes): string => (b === undefined ? '' : Buffer.from(b).toString('hex'));
const attrs = (kvs: KV[] | undefined): Record<string, string> =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, kv.value?.stringValue ?? '']));

export async function startOtlpReceiver(): Promise<{
  port: number;
  spans: OtlpSpan[];
  close(): Promise<void>;
}> {
  const spans: OtlpSpan[] = [];
  const server = new MockOtlpServer({
    services: ['http'],
    httpHostname: '127.0.0.1',
    httpPort: 0,
    logLevel: 'error',
    onTrace: (trace: Decoded) => {
      for (const rs of trace.resourceSpans ?? []) {
        const serviceName = attrs(rs.resource?.attributes)['service.name'] ?? '';
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name ?? '',
              kind: s.kind ?? 0,
              serviceName,
              attributes: attrs(s.attributes),
              statusCode: s.status?.code ?? 0,
            });
          }
        }
      }
    },
  });
  await server.start();
  return {
    port: Number((server as unknown as { httpUrl: URL }).httpUrl.port),
    spans,
    close: () => server.close(),
  };
}
