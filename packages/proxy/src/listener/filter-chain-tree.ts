import type { FilterChain, FilterChainMatch } from '@tandem/api/envoy';
import { CATCH_ALL_CIDRS, CidrTable, type ParsedCidr, parseCidr } from './cidr-table.ts';

/*
 * The filter-chain decision tree, one level per FilterChainMatch criterion in Envoy's order.
 * At every level the key '' (or port 0, or the catch-all CIDRs) holds the chains that do not
 * set that criterion. Building fans a chain out over every value of every criterion; the leaf
 * (source port) must be unique, otherwise two chains overlap.
 */

/** Source port -> chain; port 0 = any. */
export type SourcePortLevel = Map<number, FilterChain>;
export type SourceIpLevel = CidrTable<SourcePortLevel>;
/** ALPN value -> next level; '' = any. */
export type ApplicationProtocolLevel = Map<string, SourceIpLevel>;
/** Transport protocol -> next level; '' = any. */
export type TransportProtocolLevel = Map<string, ApplicationProtocolLevel>;
/** Lower-cased exact name, `.suffix` for `*.suffix`, '' = any. */
export type ServerNameLevel = Map<string, TransportProtocolLevel>;
export type DestinationIpLevel = CidrTable<ServerNameLevel>;
/** Destination port -> next level; port 0 = any. */
export type DestinationPortLevel = Map<number, DestinationIpLevel>;

/** A FilterChainMatch with every empty criterion replaced by its "any" key. */
interface MatchKeys {
  destinationPort: number;
  destinationCidrs: readonly ParsedCidr[];
  serverNames: readonly string[];
  transportProtocol: string;
  applicationProtocols: readonly string[];
  sourceCidrs: readonly ParsedCidr[];
  sourcePorts: readonly number[];
}

/** Thrown by the builder; the matcher wraps it into a ListenerConfigError naming the listener. */
export class FilterChainRuleError extends Error {}

export function addFilterChain(root: DestinationPortLevel, chain: FilterChain): void {
  const keys = matchKeys(chain.filterChainMatch);
  const ips = getOrCreate(root, keys.destinationPort, () => new CidrTable<ServerNameLevel>());
  for (const cidr of keys.destinationCidrs) {
    const names = ips.getOrCreate(cidr, () => new Map());
    for (const name of keys.serverNames) {
      const transports = getOrCreate(names, name, () => new Map());
      const alpns = getOrCreate(transports, keys.transportProtocol, () => new Map());
      for (const alpn of keys.applicationProtocols) {
        const sources: SourceIpLevel = getOrCreate(alpns, alpn, () => new CidrTable());
        addSource(sources, keys, chain);
      }
    }
  }
}

function addSource(sourceIps: SourceIpLevel, keys: MatchKeys, chain: FilterChain): void {
  for (const cidr of keys.sourceCidrs) {
    const ports = sourceIps.getOrCreate(cidr, () => new Map());
    for (const port of keys.sourcePorts) {
      const existing = ports.get(port);
      if (existing) {
        throw new FilterChainRuleError(
          `filter chains "${existing.name}" and "${chain.name}" have overlapping match rules`,
        );
      }
      ports.set(port, chain);
    }
  }
}

function matchKeys(m: FilterChainMatch): MatchKeys {
  return {
    destinationPort: m.destinationPort ?? 0,
    destinationCidrs: cidrKeys(m.prefixRanges, 'prefix_ranges'),
    serverNames: m.serverNames.length === 0 ? [''] : m.serverNames.map(serverNameKey),
    transportProtocol: m.transportProtocol,
    applicationProtocols: m.applicationProtocols.length === 0 ? [''] : m.applicationProtocols,
    sourceCidrs: cidrKeys(m.sourcePrefixRanges, 'source_prefix_ranges'),
    sourcePorts: m.sourcePorts.length === 0 ? [0] : m.sourcePorts,
  };
}

function cidrKeys(ranges: FilterChainMatch['prefixRanges'], field: string): readonly ParsedCidr[] {
  if (ranges.length === 0) return CATCH_ALL_CIDRS;
  return ranges.map((range) => {
    const parsed = parseCidr(range);
    if (typeof parsed === 'string') throw new FilterChainRuleError(`${field}: ${parsed}`);
    return parsed;
  });
}

/** `*.example.com` is stored as `.example.com`; anything else with a `*` is rejected like Envoy. */
function serverNameKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('*.')) return lower.slice(1);
  if (lower.includes('*')) {
    throw new FilterChainRuleError(`server_names: partial wildcards are not supported ("${name}")`);
  }
  return lower;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
