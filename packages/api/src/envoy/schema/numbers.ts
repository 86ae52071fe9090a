import { ConfigIssueCode } from '../issue-codes.ts';
import { describeJson, type Schema } from './schema.ts';
import type { ValidationContext } from './validation-context.ts';

export interface RangeOptions {
  readonly min?: number;
  readonly max?: number;
  /** Shown in the range error, e.g. "Envoy's limit". */
  readonly why?: string;
}

/** Reads a proto3-JSON integer: a JSON number or a decimal string (as proto3 JSON allows). */
function readInteger(raw: unknown, typeName: string, ctx: ValidationContext): number | undefined {
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    ctx.error(ConfigIssueCode.type, `expected an integer (${typeName}), got ${describeJson(raw)}`);
    return undefined;
  }
  if (!Number.isSafeInteger(value)) {
    ctx.error(ConfigIssueCode.range, `${raw} is too large to be handled exactly`);
    return undefined;
  }
  return value;
}

/** Reports `value` outside `options`; a bound equal to `unbounded` (the type's own limit) is not mentioned. */
function checkRange(
  value: number,
  options: RangeOptions,
  ctx: ValidationContext,
  unbounded = Infinity,
): boolean {
  const { min, max } = options;
  const low = min !== undefined && value < min;
  const high = max !== undefined && value > max;
  if (!low && !high) return true;
  const why = options.why === undefined ? '' : ` (${options.why})`;
  let bound: string;
  if (min !== undefined && max !== undefined && max !== unbounded) bound = `between ${min} and ${max}`;
  else bound = low ? `at least ${min}` : `at most ${max}`;
  ctx.error(ConfigIssueCode.range, `must be ${bound}${why}, got ${value}`);
  return false;
}

function rangeDetail(options: RangeOptions, naturalMin: number, naturalMax: number): string | undefined {
  const min = options.min ?? naturalMin;
  const max = options.max ?? naturalMax;
  if (min === naturalMin && max === naturalMax) return undefined;
  if (max === naturalMax) return `>= ${min}`;
  return `${min}..${max}`;
}

function integer(
  typeName: string,
  naturalMin: number,
  naturalMax: number,
  options: RangeOptions,
): Schema<number> {
  const bounds = { min: naturalMin, max: naturalMax, ...options };
  return {
    typeName,
    detail: rangeDetail(options, naturalMin, naturalMax),
    parse(raw, ctx) {
      const value = readInteger(raw, typeName, ctx);
      if (value === undefined) return undefined;
      return checkRange(value, bounds, ctx, naturalMax) ? value : undefined;
    },
    show: String,
  };
}

/** proto `uint32`, optionally narrowed. */
export function uint32(options: RangeOptions = {}): Schema<number> {
  return integer('uint32', 0, 4294967295, options);
}

/** proto `uint64` (numbers beyond 2^53 are rejected), optionally narrowed. */
export function uint64(options: RangeOptions = {}): Schema<number> {
  return integer('uint64', 0, Number.MAX_SAFE_INTEGER, options);
}

/** proto `int32`, optionally narrowed. */
export function int32(options: RangeOptions = {}): Schema<number> {
  return integer('int32', -2147483648, 2147483647, options);
}

/** proto `int64` (numbers beyond +-2^53 are rejected). */
export function int64(options: RangeOptions = {}): Schema<number> {
  return integer('int64', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, options);
}

/** A TCP port: uint32 0..65535. */
export const port = uint32({ max: 65535 });

/** proto `double`, optionally narrowed. */
export function double(options: RangeOptions = {}): Schema<number> {
  return {
    typeName: 'double',
    detail: rangeDetail(options, -Infinity, Infinity),
    parse(raw, ctx) {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        ctx.error(ConfigIssueCode.type, `expected a number (double), got ${describeJson(raw)}`);
        return undefined;
      }
      return checkRange(raw, options, ctx) ? raw : undefined;
    },
    show: String,
  };
}
