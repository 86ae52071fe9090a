import type { VirtualHost } from '@tandem/api/envoy';
import { compilePerFilterConfigs } from '../http/per-route-config.ts';
import type { RequestHead } from '../http/request-head.ts';
import { type CompiledHeaderMutations, compileHeaderMutations } from './header-mutations.ts';
import { QueryParams } from './query-params.ts';
import { TlsRedirect } from './redirect.ts';
import { ConfigPath } from './route-config-error.ts';
import { CompiledRoute, compileRoute, type RouteScope } from './route-entry.ts';
import { CompiledRouteMatch } from './route-match.ts';

/** The route-configuration settings a virtual host inherits. */
export interface VirtualHostScope {
  readonly routeConfiguration: CompiledHeaderMutations;
  readonly mostSpecificHeaderMutationsWins: boolean;
  readonly maxDirectResponseBodyBytes: number;
}

/** A compiled `VirtualHost`: its routes in order, and `require_tls`. */
export class CompiledVirtualHost {
  readonly name: string;
  readonly routes: readonly CompiledRoute[];
  readonly requireTls: VirtualHost['requireTls'];
  /** The route returned for plain-text requests when `requireTls` demands TLS. */
  readonly tlsRedirectRoute: CompiledRoute | undefined;

  constructor(name: string, routes: CompiledRoute[], requireTls: VirtualHost['requireTls']) {
    this.name = name;
    this.routes = routes;
    this.requireTls = requireTls;
    this.tlsRedirectRoute = requireTls === 'NONE' ? undefined : buildTlsRedirectRoute(name);
  }

  /**
   * The first route whose match applies, or undefined (the router answers 404, flag NR).
   * With `require_tls`, a request whose scheme is not `https` gets `tlsRedirectRoute` instead
   * (`EXTERNAL_ONLY` exempts requests marked `x-envoy-internal: true`). The query string is parsed
   * once, and only when a route with query rules is reached.
   */
  matchRoute(head: RequestHead): CompiledRoute | undefined {
    if (this.tlsRedirectRoute !== undefined && this.needsTlsRedirect(head)) return this.tlsRedirectRoute;
    const routes = this.routes;
    let query: QueryParams | undefined;
    for (let i = 0; i < routes.length; i++) {
      const m = routes[i]!.match;
      if (!m.matchesHead(head)) continue;
      if (m.query.length > 0 && !m.matchesQuery((query ??= QueryParams.parse(head.path)))) continue;
      return routes[i];
    }
    return undefined;
  }

  private needsTlsRedirect(head: RequestHead): boolean {
    if (head.scheme === 'https') return false;
    return this.requireTls === 'ALL' || head.headers.get('x-envoy-internal') !== 'true';
  }
}

const MATCH_ALL = new CompiledRouteMatch(
  { path: { kind: 'prefix', value: '' }, caseSensitive: true, headers: [], queryParameters: [], grpc: false },
  new ConfigPath('', 'requireTls'),
);

function buildTlsRedirectRoute(vhostName: string): CompiledRoute {
  return new CompiledRoute('', vhostName, MATCH_ALL, new TlsRedirect(), { request: [], response: [] });
}

/** Compiles a virtual host at `at` (e.g. `virtualHosts[2]`). */
export function compileVirtualHost(
  v: VirtualHost,
  scope: VirtualHostScope,
  at: ConfigPath,
): CompiledVirtualHost {
  let perFilterConfig: ReadonlyMap<string, unknown> | undefined;
  try {
    perFilterConfig = compilePerFilterConfigs(v.typedPerFilterConfig);
  } catch (err) {
    throw at.at('typedPerFilterConfig').error((err as Error).message);
  }
  const routeScope: RouteScope = {
    virtualHostName: v.name,
    virtualHost: compileHeaderMutations(v.headers, at.at('headers')),
    routeConfiguration: scope.routeConfiguration,
    mostSpecificHeaderMutationsWins: scope.mostSpecificHeaderMutationsWins,
    maxDirectResponseBodyBytes: scope.maxDirectResponseBodyBytes,
    retryPolicy: v.retryPolicy,
    requestMirrorPolicies: v.requestMirrorPolicies,
    rateLimits: v.rateLimits,
    includeRequestAttemptCount: v.includeRequestAttemptCount ?? false,
    includeAttemptCountInResponse: v.includeAttemptCountInResponse ?? false,
    perFilterConfig,
  };
  const routes = v.routes.map((r, i) => compileRoute(r, routeScope, at.at('routes').at(i)));
  return new CompiledVirtualHost(v.name, routes, v.requireTls);
}
