import { ConfigIssueCode } from '../issue-codes.ts';
import { describeJson, isPlainObject, type Schema } from './schema.ts';
import type { ValidationContext } from './validation-context.ts';

/** Longest duration proto3 allows: 10,000 years in seconds. */
const MAX_SECONDS = 315_576_000_000;

export interface DurationOptions {
  /** Zero is rejected (Envoy's `gt: {}`). */
  readonly positive?: boolean;
  /** Smallest allowed value in milliseconds (inclusive). */
  readonly minMs?: number;
}

/** Writes milliseconds the way proto3 JSON writes a Duration, e.g. 1500 -> `1.5s`. */
export function formatDurationMs(ms: number): string {
  return `${Number((ms / 1000).toFixed(9))}s`;
}

/**
 * google.protobuf.Duration as milliseconds. Accepts the proto3 JSON form, seconds with an optional fraction
 * of up to nine digits and a trailing `s` (`"5s"`, `"0.250s"`), and the object form `{seconds, nanos}`.
 */
export function duration(options: DurationOptions = {}): Schema<number> {
  return {
    typeName: 'Duration',
    detail: options.positive
      ? '> 0'
      : options.minMs !== undefined
        ? `>= ${formatDurationMs(options.minMs)}`
        : undefined,
    parse(raw, ctx) {
      const ms = typeof raw === 'string' ? parseText(raw, ctx) : parseObject(raw, ctx);
      if (ms === undefined) return undefined;
      if (options.positive && ms === 0) {
        ctx.error(ConfigIssueCode.range, 'must be greater than 0s');
        return undefined;
      }
      if (options.minMs !== undefined && ms < options.minMs) {
        ctx.error(ConfigIssueCode.range, `must be at least ${formatDurationMs(options.minMs)}`);
        return undefined;
      }
      return ms;
    },
    show: formatDurationMs,
  };
}

function parseText(text: string, ctx: ValidationContext): number | undefined {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) {
    const hint = /^\d+(\.\d+)?(ms|m|h|us|ns)$/.test(text)
      ? '; durations are written in seconds, e.g. "0.250s"'
      : '';
    ctx.error(
      ConfigIssueCode.duration,
      `${JSON.stringify(text)} is not a duration like "5s" or "0.250s"${hint}`,
    );
    return undefined;
  }
  const [, sign, seconds, fraction = ''] = match;
  return toMs(sign === '-', Number(seconds), Number(fraction.padEnd(9, '0')), ctx);
}

function parseObject(raw: unknown, ctx: ValidationContext): number | undefined {
  const extra = isPlainObject(raw)
    ? Object.keys(raw).filter((key) => key !== 'seconds' && key !== 'nanos')
    : [];
  if (!isPlainObject(raw) || extra.length > 0) {
    ctx.error(
      ConfigIssueCode.duration,
      `expected a duration like "5s" or {seconds, nanos}, got ${describeJson(raw)}`,
    );
    return undefined;
  }
  const seconds = readWhole(raw.seconds ?? 0);
  const nanos = readWhole(raw.nanos ?? 0);
  if (seconds === undefined || nanos === undefined || Math.abs(nanos) > 999_999_999) {
    ctx.error(ConfigIssueCode.duration, 'seconds must be an integer and nanos an integer below 1e9');
    return undefined;
  }
  if ((seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
    ctx.error(ConfigIssueCode.duration, 'seconds and nanos must have the same sign');
    return undefined;
  }
  return toMs(seconds < 0 || nanos < 0, Math.abs(seconds), Math.abs(nanos), ctx);
}

function readWhole(raw: unknown): number | undefined {
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function toMs(negative: boolean, seconds: number, nanos: number, ctx: ValidationContext): number | undefined {
  if (negative && (seconds > 0 || nanos > 0)) {
    ctx.error(ConfigIssueCode.range, 'must not be negative');
    return undefined;
  }
  if (seconds > MAX_SECONDS) {
    ctx.error(ConfigIssueCode.range, `must be at most ${MAX_SECONDS}s`);
    return undefined;
  }
  return seconds * 1000 + nanos / 1e6;
}
