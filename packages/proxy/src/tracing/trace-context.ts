/**
 * Trace context on the wire: W3C `traceparent`/`tracestate`, B3 single-header `b3` and B3
 * multi-header `x-b3-*`. Extraction reads whichever the request carries (W3C first); injection
 * writes the formats the tracer was asked for.
 */
import type { HeaderMap } from '../http/header-map.ts';

export const FORMAT_W3C = 1;
export const FORMAT_B3_MULTI = 2;
export const FORMAT_B3_SINGLE = 4;

export interface TraceContext {
  /** 32 hex digits (a 64-bit B3 id is left-padded with zeros). */
  traceId: string;
  /** The caller's span (our parent); 16 hex digits. */
  spanId: string;
  /** The caller's decision; undefined when it left it to us. */
  sampled: boolean | undefined;
  tracestate: string;
  /** Which format it arrived in (one of FORMAT_*); 0 when only a decision arrived. */
  format: number;
  /** B3: the original width of the trace id (16 or 32). */
  traceIdLength: number;
}

const HEX = /^[0-9a-f]+$/;

export function extractTraceContext(h: HeaderMap): TraceContext | undefined {
  const tp = h.get('traceparent');
  if (tp !== undefined) {
    const w3c = parseTraceparent(tp, h.get('tracestate') ?? '');
    if (w3c !== undefined) return w3c;
  }
  const single = h.get('b3');
  if (single !== undefined) return parseB3Single(single);
  const traceId = h.get('x-b3-traceid');
  const sampledHeader = h.get('x-b3-sampled');
  const flags = h.get('x-b3-flags');
  const sampled =
    flags === '1'
      ? true
      : sampledHeader === undefined
        ? undefined
        : sampledHeader === '1' || sampledHeader === 'true';
  if (traceId === undefined) return sampled === undefined ? undefined : decisionOnly(sampled);
  const spanId = h.get('x-b3-spanid') ?? '';
  if (!validTraceId(traceId) || !validSpanId(spanId)) return undefined;
  return {
    traceId: traceId.padStart(32, '0'),
    spanId,
    sampled,
    tracestate: '',
    format: FORMAT_B3_MULTI,
    traceIdLength: traceId.length,
  };
}

function parseTraceparent(v: string, tracestate: string): TraceContext | undefined {
  const parts = v.trim().split('-');
  if (parts.length < 4 || parts[0]!.length !== 2 || parts[0] === 'ff') return undefined;
  const [, traceId, spanId, flags] = parts as [string, string, string, string];
  if (traceId.length !== 32 || !validTraceId(traceId) || !validSpanId(spanId) || !/^[0-9a-f]{2}$/.test(flags))
    return undefined;
  return {
    traceId,
    spanId,
    sampled: (Number.parseInt(flags, 16) & 1) === 1,
    tracestate,
    format: FORMAT_W3C,
    traceIdLength: 32,
  };
}

function parseB3Single(v: string): TraceContext | undefined {
  const parts = v.trim().split('-');
  if (parts.length === 1) {
    const d = parts[0]!;
    if (d === '0') return decisionOnly(false);
    if (d === '1' || d === 'd') return decisionOnly(true);
    return undefined;
  }
  const [traceId, spanId, s] = parts as [string, string, string | undefined];
  if (!validTraceId(traceId) || !validSpanId(spanId)) return undefined;
  const sampled = s === undefined ? undefined : s === '1' || s === 'd';
  return {
    traceId: traceId.padStart(32, '0'),
    spanId,
    sampled,
    tracestate: '',
    format: FORMAT_B3_SINGLE,
    traceIdLength: traceId.length,
  };
}

function decisionOnly(sampled: boolean): TraceContext {
  return { traceId: '', spanId: '', sampled, tracestate: '', format: 0, traceIdLength: 32 };
}

function validTraceId(id: string): boolean {
  return (id.length === 16 || id.length === 32) && HEX.test(id) && !/^0+$/.test(id);
}

function validSpanId(id: string): boolean {
  return id.length === 16 && HEX.test(id) && !/^0+$/.test(id);
}

/** Writes the context of span `spanId` (child of `parentId`) in the given formats. */
export function injectTraceContext(
  h: HeaderMap,
  formats: number,
  traceId: string,
  spanId: string,
  parentId: string,
  tracestate: string,
  b3TraceIdLength: number,
): void {
  if (formats & FORMAT_W3C) {
    h.set('traceparent', `00-${traceId}-${spanId}-01`);
    if (tracestate !== '') h.set('tracestate', tracestate);
  }
  const b3Trace = b3TraceIdLength === 16 ? traceId.slice(16) : traceId;
  if (formats & FORMAT_B3_MULTI) {
    h.set('x-b3-traceid', b3Trace);
    h.set('x-b3-spanid', spanId);
    if (parentId !== '') h.set('x-b3-parentspanid', parentId);
    else h.remove('x-b3-parentspanid');
    h.set('x-b3-sampled', '1');
  }
  if (formats & FORMAT_B3_SINGLE) {
    h.set('b3', parentId === '' ? `${b3Trace}-${spanId}-1` : `${b3Trace}-${spanId}-1-${parentId}`);
  }
}
