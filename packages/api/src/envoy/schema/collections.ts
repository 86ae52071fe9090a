import { ConfigIssueCode } from '../issue-codes.ts';
import { describeJson, describeSchema, isPlainObject, type Schema } from './schema.ts';
import type { ValidationContext } from './validation-context.ts';

/** Elements whose `key` is equal are duplicates; `message` explains it at the later element. */
export interface UniqueRule<T> {
  readonly key: (value: T) => string | undefined;
  readonly message: (key: string, firstIndex: number) => string;
}

export interface ListOptions<T> {
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly unique?: readonly UniqueRule<T>[];
}

/** A repeated field: a JSON list whose elements each follow `item`. */
export function listOf<T>(item: Schema<T>, options: ListOptions<T> = {}): Schema<T[]> {
  return {
    typeName: `${describeSchema(item)}[]`,
    detail: options.minItems === undefined ? undefined : `at least ${options.minItems}`,
    parse(raw, ctx) {
      if (!Array.isArray(raw)) {
        ctx.error(ConfigIssueCode.type, `expected a list of ${item.typeName}, got ${describeJson(raw)}`);
        return undefined;
      }
      checkLength(raw.length, options, ctx);
      const values: T[] = [];
      const clean: boolean[] = [];
      raw.forEach((element, index) => {
        const before = ctx.errorCount;
        values.push(item.parse(element, ctx.item(index)) as T);
        clean.push(ctx.errorCount === before);
      });
      for (const rule of options.unique ?? []) checkUnique(values, clean, rule, ctx);
      return values;
    },
    nested: () => [{ suffix: '[]', schema: item }],
    show: (value) => JSON.stringify(value),
  };
}

function checkLength(
  length: number,
  options: { minItems?: number; maxItems?: number },
  ctx: ValidationContext,
) {
  if (options.minItems !== undefined && length < options.minItems) {
    ctx.error(ConfigIssueCode.range, `needs at least ${options.minItems} element(s), got ${length}`);
  }
  if (options.maxItems !== undefined && length > options.maxItems) {
    ctx.error(ConfigIssueCode.range, `allows at most ${options.maxItems} elements, got ${length}`);
  }
}

function checkUnique<T>(values: T[], clean: boolean[], rule: UniqueRule<T>, ctx: ValidationContext): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    if (!clean[index]) return;
    const key = rule.key(value);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else ctx.item(index).error(ConfigIssueCode.duplicate, rule.message(key, first));
  });
}

/** A proto map with string keys: a JSON object whose values follow `value`. */
export function mapOf<T>(value: Schema<T>): Schema<Record<string, T>> {
  return {
    typeName: `map<string, ${describeSchema(value)}>`,
    parse(raw, ctx) {
      if (!isPlainObject(raw)) {
        ctx.error(ConfigIssueCode.type, `expected a map (an object), got ${describeJson(raw)}`);
        return undefined;
      }
      const out: Record<string, T> = {};
      for (const [key, element] of Object.entries(raw)) out[key] = value.parse(element, ctx.key(key)) as T;
      return out;
    },
    nested: () => [{ suffix: '[*]', schema: value }],
  };
}
