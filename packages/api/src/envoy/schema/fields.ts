import { listOf } from './collections.ts';
import type { Schema } from './schema.ts';

/**
 * How Tandem treats a known Envoy field: `supported` fields are validated and used; `ignored` fields are
 * accepted with a warning because leaving them out has no effect on traffic; `unsupported` fields are
 * rejected with an error.
 */
export type FieldStatus = 'supported' | 'ignored' | 'unsupported';

/** One field of a message: its status, schema, default, and oneof membership. */
export interface FieldDef<T = unknown, S extends FieldStatus = FieldStatus> {
  readonly status: S;
  readonly schema: Schema<T> | undefined;
  readonly required: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue: T | undefined;
  /** Document text for the default when the value alone would mislead (e.g. "the cluster name"). */
  readonly defaultText: string | undefined;
  readonly oneof: string | undefined;
  readonly note: string | undefined;
  readonly deprecated: boolean;
  /** For unsupported fields: planned ("not supported yet") rather than out of scope. */
  readonly planned: boolean;
  /** Carries `T` for type inference only. */
  readonly __value?: T;
}

export interface FieldOptions {
  /** Name of the oneof group the field belongs to. */
  readonly oneof?: string;
  readonly note?: string;
  readonly deprecated?: boolean;
  readonly defaultText?: string;
}

export interface UnsupportedOptions extends FieldOptions {
  /** Support is planned: the message says "not supported yet". */
  readonly planned?: boolean;
}

function def<T, S extends FieldStatus>(
  status: S,
  schema: Schema<T> | undefined,
  extra: Partial<Omit<FieldDef<T>, 'status'>>,
) {
  const field: FieldDef<T, S> = {
    schema,
    required: false,
    hasDefault: false,
    defaultValue: undefined,
    defaultText: undefined,
    oneof: undefined,
    note: undefined,
    deprecated: false,
    planned: false,
    ...extra,
    status,
  };
  return field;
}

/** A supported field that may be absent; the build step sees `undefined` then. */
export function optional<T>(
  schema: Schema<T>,
  options: FieldOptions = {},
): FieldDef<T | undefined, 'supported'> {
  return def<T | undefined, 'supported'>('supported', schema, { ...options });
}

/** A supported field that must be present. */
export function required<T>(schema: Schema<T>, options: FieldOptions = {}): FieldDef<T, 'supported'> {
  return def('supported', schema, { ...options, required: true });
}

/** A supported field with Envoy's default filled in when absent. */
export function withDefault<T>(
  schema: Schema<T>,
  value: T,
  options: FieldOptions = {},
): FieldDef<T, 'supported'> {
  return def('supported', schema, { ...options, hasDefault: true, defaultValue: value });
}

/** A supported repeated field; absent means an empty list. */
export function repeated<T>(item: Schema<T>, options: FieldOptions = {}): FieldDef<T[], 'supported'> {
  return withDefault(listOf(item), [], options);
}

/** A known field accepted with a warning; `note` says why ignoring it is harmless. */
export function ignored(note: string, options: FieldOptions = {}): FieldDef<never, 'ignored'> {
  return def<never, 'ignored'>('ignored', undefined, { ...options, note });
}

/** A known field rejected with an error that says Tandem does not support it. */
export function unsupported(note?: string, options: UnsupportedOptions = {}): FieldDef<never, 'unsupported'> {
  return def<never, 'unsupported'>('unsupported', undefined, {
    ...options,
    note,
    planned: options.planned ?? false,
  });
}
