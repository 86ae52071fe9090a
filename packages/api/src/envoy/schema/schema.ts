import type { ValidationContext } from './validation-context.ts';

/** A schema reachable from another one, with the path suffix that leads to it (for the subset document). */
export interface NestedSchema {
  /** `.field`, `[]` (list item), `[*]` (map value) or `(TypeName)` (an Any target). */
  readonly suffix: string;
  readonly schema: Schema<unknown>;
}

/**
 * Turns one proto3-JSON value into a checked domain value.
 *
 * `parse` reports every problem to `ctx` and returns `undefined` when it cannot produce a value. Some
 * schemas legitimately produce `undefined` (e.g. a plaintext transport socket), so callers judge success
 * by whether `ctx.errorCount` grew, not by the return value.
 */
export interface Schema<T> {
  /** Short type name for messages and the subset document, e.g. `uint32`, `Duration`, `Listener`. */
  readonly typeName: string;
  /** Constraint shown next to the type in the document, e.g. `1..65535`. */
  readonly detail?: string;
  parse(raw: unknown, ctx: ValidationContext): T | undefined;
  /** Schemas nested in this one. */
  nested?(): readonly NestedSchema[];
  /** How a default value is written in the document. */
  show?(value: T): string;
}

/** Type name plus constraint, e.g. `uint32 (1..65535)`. */
export function describeSchema(schema: Schema<unknown>): string {
  return schema.detail === undefined ? schema.typeName : `${schema.typeName} (${schema.detail})`;
}

/** How a raw JSON value is named in messages: `a string`, `an object`, `null`, ... */
export function describeJson(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  switch (typeof raw) {
    case 'string':
      return `a string (${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw)})`;
    case 'number':
      return `a number (${raw})`;
    case 'boolean':
      return `a boolean (${raw})`;
    case 'object':
      return 'an object';
    default:
      return typeof raw;
  }
}

export function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !(raw instanceof Uint8Array);
}

/** Runs `check` after `schema` parsed cleanly; `check` reports its own errors. */
export function refine<T>(schema: Schema<T>, check: (value: T, ctx: ValidationContext) => void): Schema<T> {
  return {
    ...schema,
    parse(raw, ctx) {
      const before = ctx.errorCount;
      const value = schema.parse(raw, ctx);
      if (ctx.errorCount === before) check(value as T, ctx);
      return value;
    },
  };
}

/** `"a", "b" or "c"` (with `conjunction` before the last). */
export function quoteList(items: readonly string[], conjunction: 'and' | 'or'): string {
  const quoted = items.map((item) => JSON.stringify(item));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}
