import { ConfigIssueCode } from '../issue-codes.ts';
import { buildNameIndex, suggestName } from './field-names.ts';
import type { FieldDef } from './fields.ts';
import { describeJson, isPlainObject, quoteList, type Schema } from './schema.ts';
import type { ReferenceKind, ValidationContext } from './validation-context.ts';

export type Fields = Readonly<Record<string, FieldDef>>;

type SupportedKeys<F extends Fields> = {
  [K in keyof F]: F[K] extends FieldDef<unknown, 'supported'> ? K : never;
}[keyof F];

/** What a message's build step receives: one property per supported field, defaults filled in. */
export type FieldValues<F extends Fields> = {
  readonly [K in SupportedKeys<F>]: F[K] extends FieldDef<infer T, 'supported'> ? T : never;
};

export interface OneofSpec {
  readonly required?: boolean;
}

export interface MessageSpec<F extends Fields, T> {
  /** Full proto name, e.g. `envoy.config.listener.v3.Listener`. */
  readonly name: string;
  /** Heading in the subset document when the short name is ambiguous. */
  readonly title?: string;
  /** Issues inside an element with a non-empty `name` are prefixed with `<label> "<name>"`. */
  readonly label?: string;
  /** Records the element's `name` as a definition of this kind, even if the element has errors. */
  readonly defines?: ReferenceKind;
  readonly note?: string;
  readonly fields: F;
  readonly oneofs?: Readonly<Record<string, OneofSpec>>;
  /** Adjusts the context before fields are read (e.g. to suppress reference checks). */
  readonly enter?: (raw: Readonly<Record<string, unknown>>, ctx: ValidationContext) => ValidationContext;
  /** Turns clean field values into the domain value; runs only when every field parsed cleanly. */
  readonly build: (values: FieldValues<F>, ctx: ValidationContext) => T | undefined;
}

export interface MessageSchema<T> extends Schema<T> {
  readonly kind: 'message';
  readonly name: string;
  readonly title: string;
  readonly note: string | undefined;
  readonly fields: Fields;
  readonly oneofs: Readonly<Record<string, OneofSpec>>;
}

/** The last dot-separated part of a proto name. */
export function shortName(protoName: string): string {
  return protoName.slice(protoName.lastIndexOf('.') + 1);
}

/** A proto name without its package, e.g. `RouteAction.HashPolicy.Header`. */
export function nestedName(protoName: string): string {
  const parts = protoName.split('.');
  const first = parts.findIndex((part) => /^[A-Z]/.test(part));
  return parts.slice(first < 0 ? parts.length - 1 : first).join('.');
}

/**
 * Declares a proto message: its fields with their status, its oneof groups, and how clean values become a
 * domain value.
 *
 * @example
 * const locality = message({
 *   name: 'envoy.config.core.v3.Locality',
 *   fields: { region: withDefault(str, ''), zone: withDefault(str, ''), sub_zone: withDefault(str, '') },
 *   build: (v) => ({ region: v.region, zone: v.zone, subZone: v.sub_zone }),
 * });
 */
export function message<F extends Fields, T>(spec: MessageSpec<F, T>): MessageSchema<T> {
  const names = buildNameIndex(Object.keys(spec.fields));
  const title = spec.title ?? nestedName(spec.name);
  return {
    kind: 'message',
    name: spec.name,
    title,
    note: spec.note,
    typeName: title,
    fields: spec.fields,
    oneofs: spec.oneofs ?? {},
    parse: (raw, ctx) => parseMessage(spec, names, raw, ctx),
    nested: () =>
      Object.entries(spec.fields).flatMap(([name, field]) =>
        field.schema === undefined ? [] : [{ suffix: `.${name}`, schema: field.schema }],
      ),
  };
}

function parseMessage<F extends Fields, T>(
  spec: MessageSpec<F, T>,
  names: Map<string, string>,
  raw: unknown,
  outer: ValidationContext,
): T | undefined {
  if (!isPlainObject(raw)) {
    outer.error(
      ConfigIssueCode.type,
      `expected an object (${shortName(spec.name)}), got ${describeJson(raw)}`,
    );
    return undefined;
  }
  const ctx = enterMessage(spec, raw, outer);
  const before = ctx.errorCount;
  const present = collectPresent(spec.fields, names, raw, ctx);
  checkOneofs(spec.fields, spec.oneofs ?? {}, present, ctx);
  const values = readFields(spec.fields, present, ctx);
  if (ctx.errorCount > before) return undefined;
  return spec.build(values as FieldValues<F>, ctx);
}

type EnterSpec = Pick<MessageSpec<Fields, unknown>, 'label' | 'defines' | 'enter'>;

function enterMessage(spec: EnterSpec, raw: Record<string, unknown>, outer: ValidationContext) {
  let ctx = outer;
  const name = raw.name;
  if (typeof name === 'string' && name !== '') {
    if (spec.label !== undefined) ctx = ctx.labelled(`${spec.label} ${JSON.stringify(name)}`);
    if (spec.defines !== undefined) ctx.define(spec.defines, name);
  }
  return spec.enter === undefined ? ctx : spec.enter(raw, ctx);
}

/** Resolves spellings, reports unknown and doubly-given fields; returns present (non-null) values. */
function collectPresent(
  fields: Fields,
  names: Map<string, string>,
  raw: Record<string, unknown>,
  ctx: ValidationContext,
) {
  const present = new Map<string, unknown>();
  const spelledAs = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const name = names.get(key);
    if (name === undefined) {
      const suggestion = suggestName(key, Object.keys(fields));
      const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
      ctx.field(key).error(ConfigIssueCode.unknownField, `unknown field "${key}"${hint}`);
      continue;
    }
    const earlier = spelledAs.get(name);
    if (earlier !== undefined) {
      ctx
        .field(name)
        .error(ConfigIssueCode.duplicateField, `field given twice, as "${earlier}" and "${key}"`);
      continue;
    }
    spelledAs.set(name, key);
    if (value !== null && value !== undefined) present.set(name, value);
  }
  return present;
}

function checkOneofs(
  fields: Fields,
  oneofs: Readonly<Record<string, OneofSpec>>,
  present: Map<string, unknown>,
  ctx: ValidationContext,
) {
  for (const [group, oneof] of Object.entries(oneofs)) {
    const members = Object.entries(fields).filter(([, field]) => field.oneof === group);
    const set = members.filter(([name]) => present.has(name)).map(([name]) => name);
    if (set.length > 1) {
      ctx.error(ConfigIssueCode.oneof, `only one of ${quoteList(set, 'and')} may be set (oneof ${group})`);
    } else if (set.length === 0 && oneof.required === true) {
      const usable = members.filter(([, field]) => field.status === 'supported').map(([name]) => name);
      ctx.error(ConfigIssueCode.oneof, `one of ${quoteList(usable, 'or')} is required`);
    }
  }
}

function readFields(fields: Fields, present: Map<string, unknown>, ctx: ValidationContext) {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const fieldCtx = ctx.field(name);
    if (!present.has(name)) {
      if (field.status !== 'supported') continue;
      if (field.required) fieldCtx.error(ConfigIssueCode.required, `missing required field "${name}"`);
      values[name] = copyDefault(field.defaultValue);
      continue;
    }
    if (field.status === 'ignored') {
      fieldCtx.warn(ConfigIssueCode.ignored, `"${name}" is ignored by Tandem (${field.note})`);
    } else if (field.status === 'unsupported') {
      const yet = field.planned ? ' yet' : '';
      const note = field.note === undefined ? '' : `: ${field.note}`;
      fieldCtx.error(ConfigIssueCode.unsupported, `"${name}" is not supported by Tandem${yet}${note}`);
    } else {
      values[name] = field.schema!.parse(present.get(name), fieldCtx);
    }
  }
  return values;
}

function copyDefault(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/** The same message, with `convert` applied to its clean result (e.g. to wrap it for a registry). */
export function mapMessage<T, U>(schema: MessageSchema<T>, convert: (value: T) => U): MessageSchema<U> {
  return {
    ...schema,
    show: undefined,
    parse(raw, ctx) {
      const before = ctx.errorCount;
      const value = schema.parse(raw, ctx);
      return ctx.errorCount > before ? undefined : convert(value as T);
    },
  };
}
