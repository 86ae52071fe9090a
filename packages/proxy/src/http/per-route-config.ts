/**
 * Per-route configs of HTTP filters (`typed_per_filter_config`), compiled once with the route by
 * the filter that owns the config type, so a filter finds a ready object per request. Filters
 * register a compiler for their per-route type URL in `builtin.ts` (STYLE rule 5): the router
 * never imports a filter.
 */
import type { TypedPerFilterConfig } from '@tandem/api/envoy';

/** Turns one validated per-route config into the object its filter reads; may throw a config error. */
export type PerRouteCompiler = (config: unknown) => unknown;

const compilers = new Map<string, PerRouteCompiler>();

export function registerPerRouteConfig(typeUrl: string, compile: PerRouteCompiler): void {
  compilers.set(typeUrl, compile);
}

/** Compiles one level's configs (a virtual host's or a route's), by filter name; undefined when none. */
export function compilePerFilterConfigs(
  level: TypedPerFilterConfig | undefined,
): ReadonlyMap<string, unknown> | undefined {
  if (level === undefined) return undefined;
  const out = new Map<string, unknown>();
  for (const [name, t] of Object.entries(level)) {
    const compile = compilers.get(t.typeUrl);
    out.set(name, compile === undefined ? t.config : compile(t.config));
  }
  return out.size === 0 ? undefined : out;
}

/**
 * A route's effective per-filter configs: the virtual host's (compiled once, so state such as a
 * token bucket is shared by its routes), overridden entry by entry by the route's own.
 */
export function mergePerFilterConfigs(
  virtualHost: ReadonlyMap<string, unknown> | undefined,
  route: ReadonlyMap<string, unknown> | undefined,
): ReadonlyMap<string, unknown> | undefined {
  if (virtualHost === undefined) return route;
  if (route === undefined) return virtualHost;
  return new Map([...virtualHost, ...route]);
}
