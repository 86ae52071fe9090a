import { type RegisterOptions, TypeRegistry } from '../schema/any.ts';
import type { MessageSchema } from '../schema/message.ts';

/** HTTP filters by type URL. The router registers here; each later filter does too. */
export const httpFilters = new TypeRegistry<unknown>('HTTP filter');

/**
 * Makes an HTTP filter's config acceptable in `http_filters[].typed_config`. `options.terminal` marks a
 * filter that ends the chain (only the router today); `options.names` lists well-known names that select
 * the filter when `typed_config` is omitted.
 *
 * @example
 * registerHttpFilterSchema('type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault', faultSchema);
 */
export function registerHttpFilterSchema<T>(
  typeUrl: string,
  schema: MessageSchema<T>,
  options: RegisterOptions = {},
): void {
  httpFilters.register(typeUrl, schema, options);
}
