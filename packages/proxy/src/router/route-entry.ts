import type { RateLimitPolicy, RequestMirrorPolicy, RetryPolicy, Route } from '@tandem/api/envoy';
import { compilePerFilterConfigs, mergePerFilterConfigs } from '../http/per-route-config.ts';
import { CompiledDirectResponse } from './direct-response.ts';
import {
  type CompiledHeaderMutations,
  compileHeaderMutations,
  type HeaderMutationLevel,
} from './header-mutations.ts';
import { CompiledRedirect, type RedirectRouteAction } from './redirect.ts';
import { CompiledRouteAction } from './route-action.ts';
import type { ConfigPath } from './route-config-error.ts';
import { CompiledRouteMatch } from './route-match.ts';

/** What a matched route tells the router to do; switch on `kind`. */
export type CompiledAction = CompiledRouteAction | RedirectRouteAction | CompiledDirectResponse;

/** One route of a virtual host, compiled: its match rules, its action, its header mutations. */
export class CompiledRoute {
  readonly name: string;
  readonly virtualHostName: string;
  readonly match: CompiledRouteMatch;
  readonly action: CompiledAction;
  /** Request header mutation levels in the order to apply them (later ones win). */
  readonly requestMutations: readonly HeaderMutationLevel[];
  /** Response header mutation levels in the order to apply them (later ones win). */
  readonly responseMutations: readonly HeaderMutationLevel[];
  /**
   * Compiled `typed_per_filter_config` by filter name (the route's over its virtual host's);
   * undefined when there is none, so filters skip the lookup.
   */
  readonly perFilterConfig: ReadonlyMap<string, unknown> | undefined;

  constructor(
    name: string,
    virtualHostName: string,
    match: CompiledRouteMatch,
    action: CompiledAction,
    mutations: { request: HeaderMutationLevel[]; response: HeaderMutationLevel[] },
    perFilterConfig?: ReadonlyMap<string, unknown>,
  ) {
    this.name = name;
    this.virtualHostName = virtualHostName;
    this.match = match;
    this.action = action;
    this.requestMutations = mutations.request;
    this.responseMutations = mutations.response;
    this.perFilterConfig = perFilterConfig;
  }
}

/** The enclosing levels a route's header mutations combine with. */
export interface RouteScope {
  readonly virtualHostName: string;
  readonly virtualHost: CompiledHeaderMutations;
  readonly routeConfiguration: CompiledHeaderMutations;
  readonly mostSpecificHeaderMutationsWins: boolean;
  readonly maxDirectResponseBodyBytes: number;
  /** Virtual-host defaults a route action inherits when it has none of its own. */
  readonly retryPolicy?: RetryPolicy | undefined;
  readonly requestMirrorPolicies?: readonly RequestMirrorPolicy[] | undefined;
  readonly rateLimits?: readonly RateLimitPolicy[] | undefined;
  readonly includeRequestAttemptCount?: boolean;
  readonly includeAttemptCountInResponse?: boolean;
  /** The virtual host's compiled per-filter configs. */
  readonly perFilterConfig?: ReadonlyMap<string, unknown> | undefined;
}

/** Compiles one route at `at` (e.g. `virtualHosts[0].routes[3]`). */
export function compileRoute(r: Route, scope: RouteScope, at: ConfigPath): CompiledRoute {
  const match = new CompiledRouteMatch(r.match, at.at('match'));
  const action = compileAction(r.action, match, scope, at.at('action'));
  const own = compileHeaderMutations(r.headers, at.at('headers'));
  const perFilter = mergePerFilterConfigs(scope.perFilterConfig, compilePerRouteConfigs(r, at));
  return new CompiledRoute(r.name, scope.virtualHostName, match, action, orderLevels(own, scope), perFilter);
}

function compilePerRouteConfigs(r: Route, at: ConfigPath): ReadonlyMap<string, unknown> | undefined {
  try {
    return compilePerFilterConfigs(r.typedPerFilterConfig);
  } catch (err) {
    throw at.at('typedPerFilterConfig').error((err as Error).message);
  }
}

function compileAction(a: Route['action'], match: CompiledRouteMatch, scope: RouteScope, at: ConfigPath) {
  switch (a.kind) {
    case 'route':
      return new CompiledRouteAction(a, match.path, at, scope);
    case 'redirect':
      return new CompiledRedirect(a, match.path, at);
    case 'directResponse':
      return new CompiledDirectResponse(a, scope.maxDirectResponseBodyBytes, at);
  }
}

/**
 * Envoy's precedence: by default (`most_specific_header_mutations_wins: false`) the route level is
 * applied first, then the virtual host, then the route configuration, so on conflicting overwrites
 * the most general level wins. With the flag set the order is reversed and the route wins.
 * (Weighted-cluster mutations are applied before all of these, in both modes: see
 * `applyRequestHeaderMutations`.)
 */
function orderLevels(own: CompiledHeaderMutations, scope: RouteScope) {
  const levels = [own, scope.virtualHost, scope.routeConfiguration];
  if (scope.mostSpecificHeaderMutationsWins) levels.reverse();
  const request: HeaderMutationLevel[] = [];
  const response: HeaderMutationLevel[] = [];
  for (const l of levels) {
    if (l.request !== undefined) request.push(l.request);
    if (l.response !== undefined) response.push(l.response);
  }
  return { request, response };
}
