import { ConfigIssueCode } from '../issue-codes.ts';
import type { TypedValue, TypeRegistry } from './any.ts';
import type { ValidationContext } from './validation-context.ts';

/**
 * The config of a named extension (filter, transport socket): its `typed_config` if given, otherwise the
 * registered type whose well-known name is `name`, with an empty config (older configs omit `typed_config`
 * for extensions that need no settings). `ctx` is the extension's context.
 */
export function resolveExtension<T>(
  registry: TypeRegistry<T>,
  name: string,
  typed: TypedValue<T> | undefined,
  ctx: ValidationContext,
): TypedValue<T> | undefined {
  if (typed !== undefined) return typed;
  const entry = registry.lookupByName(name);
  const at = ctx.field('typed_config');
  if (entry === undefined) {
    at.error(
      ConfigIssueCode.required,
      `missing "typed_config": no built-in ${registry.what} is named "${name}"`,
    );
    return undefined;
  }
  const before = ctx.errorCount;
  const value = entry.schema.parse({}, at) as T;
  return ctx.errorCount > before ? undefined : { entry, value };
}
