import type { FilterChain, Listener, ListenerFilter } from '@tandem/api/envoy';
import {
  type ApplicationProtocolLevel,
  addFilterChain,
  type DestinationIpLevel,
  type DestinationPortLevel,
  FilterChainRuleError,
  type ServerNameLevel,
  type SourceIpLevel,
  type TransportProtocolLevel,
} from './filter-chain-tree.ts';
import { parseIp } from './ip-address.ts';
import { ListenerConfigError } from './listener-config-error.ts';

/** What is known about a connection when its filter chain is chosen. */
export interface ConnectionProperties {
  destinationPort: number;
  destinationIp: string;
  sourceIp: string;
  sourcePort: number;
  /** SNI from tls_inspector ('' when none). Matched case-insensitively. */
  serverName: string;
  /** `tls` (tls_inspector) or `raw_buffer`; '' is treated as `raw_buffer` like Envoy's default. */
  transportProtocol: string;
  /** ALPN from tls_inspector, or `h2c`/`http/1.1`/`http/1.0` from http_inspector. */
  applicationProtocols: string[];
}

export interface FilterChainMatcher {
  /** The selected chain, the listener's default chain, or undefined (close the connection). */
  match(props: ConnectionProperties): FilterChain | undefined;
  /** The listener has a tls_inspector listener filter: peek a ClientHello before matching. */
  readonly needsTlsInspection: boolean;
  /** The listener has an http_inspector listener filter: peek the request line/preface. */
  readonly needsHttpInspection: boolean;
}

/** Where an unparseable address (e.g. a Unix socket) lands, as in Envoy: only catch-alls match it. */
const FAKE_ADDRESS = new Uint8Array([255, 255, 255, 255]);

/**
 * Compiles a listener's filter chains into a decision tree, once per config. Implements Envoy's
 * FilterChainMatch semantics: criteria are checked in the order destination port, destination
 * IP (longest prefix), server name (exact, then longest `*.suffix`), transport protocol,
 * application protocols (first of the connection's protocols that some chain names), source IP
 * (longest prefix), source port. Direct source IP and source type are not modelled (always "any").
 * At each level the most specific matching value wins and chains
 * without that criterion are the fallback. A choice is never revisited: if a later criterion
 * fails on the chosen branch the default filter chain is used (no backtracking).
 *
 * Throws ListenerConfigError (`TANDEM_ERR_LISTENER_CONFIG`) for invalid CIDRs, partial wildcards
 * and overlapping chains.
 *
 * @example
 * const matcher = compileFilterChainMatcher(listener);
 * const chain = matcher.match({ destinationPort: 443, destinationIp: '10.0.0.1', sourceIp: '10.0.0.2',
 *   sourcePort: 5555, serverName: 'api.example.com', transportProtocol: 'tls', applicationProtocols: ['h2'] });
 */
export function compileFilterChainMatcher(listener: Listener): FilterChainMatcher {
  const root: DestinationPortLevel = new Map();
  for (const chain of listener.filterChains) {
    try {
      addFilterChain(root, chain);
    } catch (err) {
      if (!(err instanceof FilterChainRuleError)) throw err;
      throw new ListenerConfigError(listener.name, `filter chain "${chain.name}": ${err.message}`);
    }
  }
  const defaultChain = listener.defaultFilterChain;
  return {
    match: (props) => matchDestinationPort(root, props) ?? defaultChain,
    needsTlsInspection: hasListenerFilter(listener.listenerFilters, 'tls_inspector', '.TlsInspector'),
    needsHttpInspection: hasListenerFilter(listener.listenerFilters, 'http_inspector', '.HttpInspector'),
  };
}

function hasListenerFilter(filters: ListenerFilter[], shortName: string, typeSuffix: string): boolean {
  return filters.some(
    (f) =>
      f.name === `envoy.filters.listener.${shortName}` ||
      f.name === `envoy.listener.${shortName}` ||
      (f.typeUrl?.endsWith(typeSuffix) ?? false),
  );
}

function matchDestinationPort(root: DestinationPortLevel, p: ConnectionProperties): FilterChain | undefined {
  // An exact port entry wins even when nothing below it matches (no fallback to port 0).
  const ips = root.get(p.destinationPort) ?? root.get(0);
  return ips && matchDestinationIp(ips, p);
}

function matchDestinationIp(ips: DestinationIpLevel, p: ConnectionProperties): FilterChain | undefined {
  const names = ips.lookup(parseIp(p.destinationIp) ?? FAKE_ADDRESS);
  return names && matchServerName(names, p);
}

function matchServerName(names: ServerNameLevel, p: ConnectionProperties): FilterChain | undefined {
  const name = p.serverName.toLowerCase();
  const exact = names.get(name);
  if (exact) return matchTransportProtocol(exact, p);
  // Wildcards, longest first: "a.b.example.com" tries ".b.example.com", ".example.com", ".com".
  for (let dot = name.indexOf('.', 1); dot >= 0 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
    const wildcard = names.get(name.slice(dot));
    if (wildcard) return matchTransportProtocol(wildcard, p);
  }
  const any = names.get('');
  return any && matchTransportProtocol(any, p);
}

function matchTransportProtocol(
  transports: TransportProtocolLevel,
  p: ConnectionProperties,
): FilterChain | undefined {
  const detected = p.transportProtocol === '' ? 'raw_buffer' : p.transportProtocol;
  const alpns = transports.get(detected) ?? transports.get('');
  return alpns && matchApplicationProtocols(alpns, p);
}

function matchApplicationProtocols(
  alpns: ApplicationProtocolLevel,
  p: ConnectionProperties,
): FilterChain | undefined {
  for (const protocol of p.applicationProtocols) {
    const sources = alpns.get(protocol);
    if (sources && protocol !== '') return matchSource(sources, p);
  }
  const any = alpns.get('');
  return any && matchSource(any, p);
}

function matchSource(sources: SourceIpLevel, p: ConnectionProperties): FilterChain | undefined {
  const ports = sources.lookup(parseIp(p.sourceIp) ?? FAKE_ADDRESS);
  return ports && (ports.get(p.sourcePort) ?? ports.get(0));
}
