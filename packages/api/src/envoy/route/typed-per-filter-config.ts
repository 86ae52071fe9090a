/**
 * `typed_per_filter_config` on routes and virtual hosts: per-route overrides keyed by the filter's
 * name in `http_filters`, each an Any of a registered per-route config type.
 */
import { httpFilterPerRouteConfigs } from '../hcm/http-filter-registry.ts';
import { anyOf } from '../schema/any.ts';
import { mapOf } from '../schema/collections.ts';
import { optional } from '../schema/fields.ts';
import type { TypedPerFilterConfig } from '../types.ts';

const perFilter = mapOf(anyOf(httpFilterPerRouteConfigs));

export const typedPerFilterConfigField = optional(perFilter, {
  note: 'by HTTP filter name; fault, local rate limit and CORS configs',
});

/** The validated map in domain form, or undefined when empty or absent. */
export function buildTypedPerFilterConfig(
  value: Record<string, { entry: { typeUrl: string }; value: unknown }> | undefined,
): TypedPerFilterConfig | undefined {
  if (value === undefined) return undefined;
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, t]) => [name, { typeUrl: t.entry.typeUrl, config: t.value }]),
  );
}
