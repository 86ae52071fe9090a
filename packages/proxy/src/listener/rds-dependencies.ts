import type { Listener } from '@tandem/api/envoy';

/** A route configuration a listener gets over RDS, and how long the listener waits for it. */
export interface RdsDependency {
  readonly name: string;
  readonly initialFetchTimeoutMs: number;
}

/**
 * The RDS route configurations `listener` needs: one per HTTP connection manager with `rds`
 * (a name used twice appears once, with the longest wait).
 *
 * @example
 * rdsDependencies(listener).map((d) => d.name); // ['inbound|8080||']
 */
export function rdsDependencies(listener: Listener): RdsDependency[] {
  const byName = new Map<string, number>();
  const chains = listener.defaultFilterChain
    ? [...listener.filterChains, listener.defaultFilterChain]
    : listener.filterChains;
  for (const chain of chains) {
    for (const f of chain.filters) {
      if (f.kind !== 'http_connection_manager' || f.config.routeSpecifier.kind !== 'rds') continue;
      const { routeConfigName, initialFetchTimeoutMs } = f.config.routeSpecifier;
      const known = byName.get(routeConfigName);
      byName.set(
        routeConfigName,
        known === undefined ? initialFetchTimeoutMs : longer(known, initialFetchTimeoutMs),
      );
    }
  }
  return [...byName].map(([name, initialFetchTimeoutMs]) => ({ name, initialFetchTimeoutMs }));
}

/** The longer of two waits, where 0 means forever. */
function longer(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : Math.max(a, b);
}
