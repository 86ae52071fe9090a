import { applyRequestHeaderMutations } from './apply-header-mutations.ts';
import type { HeaderFormatContext } from './header-formatter.ts';
import type { CompiledRoute } from './route-entry.ts';

/** Options for `finalizeRequest`. */
export interface FinalizeRequestOptions {
  /** The router's `suppress_envoy_headers`: when true, `x-envoy-original-path` is not added. */
  suppressEnvoyHeaders?: boolean;
}

/**
 * Everything a matched route does to the request before it goes upstream, in Envoy's order
 * (`finalizeRequestHeaders`): header mutations, then host rewrite (literal or from a header), then
 * path rewrite. `auto_host_rewrite` is left to the router, which knows the chosen host.
 */
export function finalizeRequest(
  route: CompiledRoute,
  ctx: HeaderFormatContext,
  opts?: FinalizeRequestOptions,
): void {
  applyRequestHeaderMutations(route, ctx);
  const action = route.action;
  if (action.kind !== 'route') return;
  action.rewriteHost(ctx.request);
  action.rewritePath(ctx.request, opts?.suppressEnvoyHeaders ?? false);
}
