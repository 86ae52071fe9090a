/**
 * An access log format compiled once into an array of pieces (literal text or a bound getter);
 * formatting a line walks the array. Text: missing values print "-". JSON: numbers stay numbers,
 * missing values are null (or left out with omit_empty_values), one object per line.
 */
import type { AccessLogFormat, FormatSegment, JsonFormatValue } from '@tandem/api/envoy';
import type { LogEntry } from './log-entry.ts';
import { type Getter, getterFor } from './log-operators.ts';

export type LogFormatter = (e: LogEntry, durationMs: number) => string;

type Piece = string | Getter;

export function compileLogFormat(format: AccessLogFormat): LogFormatter {
  if (format.kind === 'text') {
    const pieces = compileSegments(format.segments);
    return (e, d) => renderText(pieces, e, d);
  }
  const render = compileJson(format.root, format.omitEmptyValues);
  return (e, d) => `${JSON.stringify(render(e, d) ?? {})}\n`;
}

function compileSegments(segments: readonly FormatSegment[]): Piece[] {
  return segments.map((s) => (s.kind === 'text' ? s.text : getterFor(s)));
}

function renderText(pieces: readonly Piece[], e: LogEntry, d: number): string {
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (typeof p === 'string') out += p;
    else {
      const v = p(e, d);
      out += v === undefined || v === '' ? '-' : v;
    }
  }
  return out;
}

type JsonRender = (e: LogEntry, d: number) => unknown;

function compileJson(node: JsonFormatValue, omitEmpty: boolean): JsonRender {
  if (node.kind === 'constant') return () => node.value;
  if (node.kind === 'template') {
    const pieces = compileSegments(node.segments);
    const only = pieces.length === 1 ? pieces[0]! : undefined;
    if (only !== undefined && typeof only !== 'string') {
      return (e, d) => {
        const v = only(e, d);
        return v === undefined || v === '' ? null : v;
      };
    }
    return (e, d) => renderText(pieces, e, d);
  }
  const fields = node.fields.map(([k, v]) => [k, compileJson(v, omitEmpty)] as const);
  return (e, d) => {
    const out: Record<string, unknown> = {};
    for (const [k, render] of fields) {
      const v = render(e, d);
      if (omitEmpty && (v === null || v === '')) continue;
      out[k] = v;
    }
    return out;
  };
}
