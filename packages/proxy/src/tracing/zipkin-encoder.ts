/** Zipkin v2 JSON (`POST /api/v2/spans`): a list of spans with microsecond timestamps and string tags. */
import { SPAN_KIND_CLIENT, type Span } from './span.ts';

export interface ZipkinEndpoint {
  serviceName: string;
  ipv4: string;
}

/** One span as Zipkin JSON, encoded when it finishes. */
export function encodeZipkinSpan(s: Span, local: ZipkinEndpoint, traceId128: boolean): string {
  const tags: Record<string, string> = {};
  for (let i = 0; i < s.tags.length; i += 2) tags[s.tags[i]!] = s.tags[i + 1]!;
  for (let i = 0; i < s.fixedTags.length; i += 2) tags[s.fixedTags[i]!] = s.fixedTags[i + 1]!;
  if (s.error) tags['error'] = 'true';
  const out: Record<string, unknown> = {
    traceId: traceId128 || !s.traceId.startsWith('0000000000000000') ? s.traceId : s.traceId.slice(16),
    id: s.spanId,
    name: s.name,
    kind: s.kind === SPAN_KIND_CLIENT ? 'CLIENT' : 'SERVER',
    timestamp: Math.round(s.startWallMs * 1000),
    duration: Math.max(1, Math.round(s.durationMs * 1000)),
    localEndpoint: local.ipv4 === '' ? { serviceName: local.serviceName } : local,
    tags,
  };
  if (s.parentId !== '') out['parentId'] = s.parentId;
  return JSON.stringify(out);
}

export function encodeZipkinRequest(spans: readonly string[]): string {
  return `[${spans.join(',')}]`;
}

export function encodeZipkinSpans(
  spans: readonly Span[],
  local: ZipkinEndpoint,
  traceId128: boolean,
): string {
  return encodeZipkinRequest(spans.map((s) => encodeZipkinSpan(s, local, traceId128)));
}
