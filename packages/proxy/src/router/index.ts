/**
 * Route matching and request/response rewriting for the router filter: compile a
 * `RouteConfiguration` once into a `RouteTable`, then per request select a virtual host, match a
 * route, and apply its action. See README.md.
 */
export { applyRequestHeaderMutations, applyResponseHeaderMutations } from './apply-header-mutations.ts';
export type { ClusterChoice, ClusterPicker } from './cluster-picker.ts';
export { CompiledDirectResponse } from './direct-response.ts';
export { type FinalizeRequestOptions, finalizeRequest } from './finalize-request.ts';
export { hashString } from './hash-key.ts';
export { CompiledHashPolicy, generateCookieValue } from './hash-policy.ts';
export type { HeaderFormatContext } from './header-formatter.ts';
export { CompiledRedirect, type RedirectRouteAction, TlsRedirect } from './redirect.ts';
export { CompiledRouteAction, ORIGINAL_PATH_HEADER } from './route-action.ts';
export { RouteConfigError } from './route-config-error.ts';
export { type CompiledAction, CompiledRoute } from './route-entry.ts';
export { compileRouteConfiguration, RouteTable } from './route-table.ts';
export { CompiledVirtualHost } from './virtual-host.ts';
