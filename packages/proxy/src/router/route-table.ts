import type { RouteConfiguration } from '@tandem/api/envoy';
import type { RequestHead } from '../http/request-head.ts';
import { DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES } from './direct-response.ts';
import { DomainIndex } from './domain-index.ts';
import { compileHeaderMutations } from './header-mutations.ts';
import { ConfigPath } from './route-config-error.ts';
import type { CompiledRoute } from './route-entry.ts';
import { type CompiledVirtualHost, compileVirtualHost, type VirtualHostScope } from './virtual-host.ts';

/**
 * A compiled `RouteConfiguration`: immutable, built once per config, read per request. Swapping
 * configs is swapping the `RouteTable` reference; requests in flight keep the table they started on.
 */
export class RouteTable {
  readonly name: string;
  readonly virtualHosts: readonly CompiledVirtualHost[];
  private readonly domains: DomainIndex<CompiledVirtualHost>;

  constructor(name: string, virtualHosts: CompiledVirtualHost[], domains: DomainIndex<CompiledVirtualHost>) {
    this.name = name;
    this.virtualHosts = virtualHosts;
    this.domains = domains;
  }

  /**
   * The virtual host for an authority (`:authority` / Host, as received), or undefined (the router
   * answers 404, flag NR). See `DomainIndex` for the precedence and the port rule.
   */
  selectVirtualHost(authority: string): CompiledVirtualHost | undefined {
    return this.domains.lookup(authority);
  }

  /** `selectVirtualHost(head.authority)?.matchRoute(head)`, for callers that need only the route. */
  matchRoute(head: RequestHead): CompiledRoute | undefined {
    return this.domains.lookup(head.authority)?.matchRoute(head);
  }
}

/**
 * Compiles a route configuration. Throws `RouteConfigError` (code `TANDEM_ERR_ROUTE_CONFIG`, with
 * the path of the offending field) for anything only compilation can find: bad regexes, unknown
 * `%VAR%` commands, duplicate domains, headers that may not be modified, unreadable bodies.
 */
export function compileRouteConfiguration(cfg: RouteConfiguration): RouteTable {
  const root = new ConfigPath(cfg.name, '');
  const scope: VirtualHostScope = {
    routeConfiguration: compileHeaderMutations(cfg.headers, root.at('headers')),
    mostSpecificHeaderMutationsWins: cfg.mostSpecificHeaderMutationsWins,
    maxDirectResponseBodyBytes: cfg.maxDirectResponseBodySizeBytes ?? DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES,
  };
  const domains = new DomainIndex<CompiledVirtualHost>(cfg.ignorePortInHostMatching ?? false);
  const vhosts = cfg.virtualHosts.map((v, i) => {
    const at = root.at('virtualHosts').at(i);
    const vhost = compileVirtualHost(v, scope, at);
    if (v.domains.length === 0) throw at.at('domains').error('a virtual host needs at least one domain');
    v.domains.forEach((d, j) => {
      if (d === '') throw at.at('domains').at(j).error('domain must not be empty');
      if (!domains.add(d, vhost)) {
        throw at
          .at('domains')
          .at(j)
          .error(`duplicate domain ${d} (domains must be unique, and * may appear once)`);
      }
    });
    return vhost;
  });
  return new RouteTable(cfg.name, vhosts, domains);
}
