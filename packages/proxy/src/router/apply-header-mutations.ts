import type { HeaderMap } from '../http/header-map.ts';
import type { HeaderFormatContext } from './header-formatter.ts';
import type { CompiledRoute } from './route-entry.ts';

/**
 * Applies a route's request header mutations to `ctx.request.headers`: first those of the weighted
 * cluster `ctx.cluster` (if any), then the route's levels in precedence order. The weighted-cluster
 * level goes first in both precedence modes because that is what Envoy does (its weighted-cluster
 * entry evaluates its own headers, then delegates to the route).
 */
export function applyRequestHeaderMutations(route: CompiledRoute, ctx: HeaderFormatContext): void {
  const headers = ctx.request.headers;
  ctx.cluster?.requestMutations?.apply(headers, ctx, undefined);
  const levels = route.requestMutations;
  for (let i = 0; i < levels.length; i++) levels[i]!.apply(headers, ctx, undefined);
}

/**
 * Applies a route's response header mutations to `headers` (the response about to be sent, also
 * for redirects and direct responses), in the same order as `applyRequestHeaderMutations`.
 */
export function applyResponseHeaderMutations(
  route: CompiledRoute,
  headers: HeaderMap,
  ctx: HeaderFormatContext,
): void {
  ctx.cluster?.responseMutations?.apply(headers, ctx, headers);
  const levels = route.responseMutations;
  for (let i = 0; i < levels.length; i++) levels[i]!.apply(headers, ctx, headers);
}
