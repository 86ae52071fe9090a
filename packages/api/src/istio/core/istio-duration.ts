/**
 * Durations as Istio YAML writes them: Go duration strings such as `"1.5s"`, `"10ms"`, `"1h30m"`
 * (units `h`, `m`, `s`, `ms`, `us`, `ns`). Istio requires at least 1ms and whole milliseconds unless a field
 * says otherwise (cookie TTLs may be zero).
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { describeJson, type Schema } from '../../envoy/schema/schema.ts';

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /(\d*(?:\.\d*)?)(ns|us|µs|ms|s|m|h)/y;

/** Nanoseconds of a Go duration string, or `undefined` when it is not one. Negative values are allowed. */
export function parseGoDurationNs(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < rest.length) {
    const match = PART.exec(rest);
    if (match === null || match[1] === '' || match[1] === '.') return undefined;
    total += Number(match[1]) * UNIT_NS[match[2]!]!;
  }
  return sign * total;
}

export interface IstioDurationOptions {
  /** `min1ms` (Istio's default: at least 1ms, whole milliseconds) or `none` (any non-negative value). */
  readonly validation?: 'min1ms' | 'none';
  /** Whole seconds only (CORS maxAge). */
  readonly secondsPrecision?: boolean;
}

/** An Istio duration field, as milliseconds. */
export function istioDuration(options: IstioDurationOptions = {}): Schema<number> {
  const strict = (options.validation ?? 'min1ms') === 'min1ms';
  return {
    typeName: 'Duration',
    detail: strict ? '>= 1ms, e.g. "1.5s", "10ms", "1h"' : 'e.g. "0s", "10ms", "1h"',
    parse(raw, ctx) {
      const ns = typeof raw === 'string' ? parseGoDurationNs(raw) : undefined;
      if (ns === undefined) {
        const got = typeof raw === 'string' ? JSON.stringify(raw) : describeJson(raw);
        ctx.error(ConfigIssueCode.duration, `${got} is not a duration like "1.5s", "10ms", "5m" or "1h"`);
        return undefined;
      }
      if (ns < 0) {
        ctx.error(ConfigIssueCode.range, `duration ${JSON.stringify(raw)} must not be negative`);
        return undefined;
      }
      if (strict && ns < 1e6) {
        ctx.error(ConfigIssueCode.range, `duration ${JSON.stringify(raw)} must be at least 1ms`);
        return undefined;
      }
      if (strict && Math.round(ns) % 1e6 !== 0) {
        ctx.error(ConfigIssueCode.range, `duration ${JSON.stringify(raw)} must be whole milliseconds`);
        return undefined;
      }
      if (options.secondsPrecision && Math.round(ns) % 1e9 !== 0) {
        ctx.error(ConfigIssueCode.range, `duration ${JSON.stringify(raw)} must be whole seconds`);
        return undefined;
      }
      return ns / 1e6;
    },
  };
}
