import { type RegisterOptions, TypeRegistry } from '../schema/any.ts';
import type { MessageSchema } from '../schema/message.ts';

/** HTTP filters by type URL. The router registers here; each later filter does too. */
export const httpFilters = new TypeRegistry<unknown>('HTTP filter');

/**
 * Per-route configs of HTTP filters (`typed_per_filter_config` on routes and virtual hosts), by type
 * URL. A filter whose per-route config has its own message (CORS's CorsPolicy) registers that one.
 */
export const httpFilterPerRouteConfigs = new TypeRegistry<unknown>('per-route HTTP filter config');

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

/** Makes a filter's per-route config acceptable in `typed_per_filter_config` values. */
export function registerHttpFilterPerRouteSchema<T>(typeUrl: string, schema: MessageSchema<T>): void {
  httpFilterPerRouteConfigs.register(typeUrl, schema);
}
