import type { Schema } from '../schema/schema.ts';

/** A schema defined later (recursive messages such as RBAC's `not_rule`); not walked by the subset document. */
export function lazy<T>(typeName: string, get: () => Schema<T>): Schema<T> {
  return { typeName, parse: (raw, ctx) => get().parse(raw, ctx) };
}
