import { ConfigIssueCode } from '../issue-codes.ts';
import { describeJson, isPlainObject, type Schema } from './schema.ts';
import type { ValidationContext } from './validation-context.ts';

function expectType(raw: unknown, type: 'string' | 'boolean', what: string, ctx: ValidationContext): boolean {
  if (typeof raw === type) return true;
  const hint = typeof raw === 'number' && type === 'string' ? ' (quote it in YAML)' : '';
  ctx.error(ConfigIssueCode.type, `expected ${what}, got ${describeJson(raw)}${hint}`);
  return false;
}

/** proto `bool`: JSON true or false only. */
export const bool: Schema<boolean> = {
  typeName: 'bool',
  parse: (raw, ctx) => (expectType(raw, 'boolean', 'true or false', ctx) ? (raw as boolean) : undefined),
  show: String,
};

export interface StringOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
}

/** proto `string`, optionally with length limits (in UTF-16 units; Envoy counts bytes, close enough here). */
export function stringOf(options: StringOptions = {}): Schema<string> {
  const { minLength = 0, maxLength } = options;
  const detail =
    minLength === 1 && maxLength === undefined ? 'non-empty' : lengthDetail(minLength, maxLength);
  return {
    typeName: 'string',
    detail,
    parse(raw, ctx) {
      if (!expectType(raw, 'string', 'a string', ctx)) return undefined;
      const text = raw as string;
      if (text.length < minLength) {
        ctx.error(
          ConfigIssueCode.range,
          minLength === 1 ? 'must not be empty' : `must be at least ${minLength} long`,
        );
      } else if (maxLength !== undefined && text.length > maxLength) {
        ctx.error(ConfigIssueCode.range, `must be at most ${maxLength} characters long, got ${text.length}`);
      }
      return text;
    },
    show: (value) => JSON.stringify(value),
  };
}

function lengthDetail(min: number, max: number | undefined): string | undefined {
  if (max !== undefined) return `${min}..${max} characters`;
  return min > 0 ? `at least ${min} characters` : undefined;
}

/** proto `string`. */
export const str = stringOf();

/** proto `string` with `min_len: 1`. */
export const nonEmptyStr = stringOf({ minLength: 1 });

/** proto `bytes`: base64 (standard or URL-safe, padding optional) in JSON. */
export const bytes: Schema<Uint8Array> = {
  typeName: 'bytes',
  detail: 'base64',
  parse(raw, ctx) {
    if (!expectType(raw, 'string', 'base64 text', ctx)) return undefined;
    const text = raw as string;
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) {
      ctx.error(ConfigIssueCode.invalid, 'is not valid base64');
      return undefined;
    }
    return new Uint8Array(
      Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64'),
    );
  },
};

/** google.protobuf.Struct: any JSON object, copied. */
export const struct: Schema<Record<string, unknown>> = {
  typeName: 'Struct',
  parse(raw, ctx) {
    if (isPlainObject(raw)) return structuredClone(raw);
    ctx.error(ConfigIssueCode.type, `expected an object (Struct), got ${describeJson(raw)}`);
    return undefined;
  },
  show: (value) => JSON.stringify(value),
};
