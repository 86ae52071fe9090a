import { ConfigIssueCode } from '../issue-codes.ts';
import { ignored, optional, repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import { downstreamTransportSocket } from '../tls/transport-socket.ts';
import type { FilterChain, NetworkFilter } from '../types.ts';
import { EMPTY_FILTER_CHAIN_MATCH, filterChainMatch } from './filter-chain-match.ts';
import { type NetworkFilterEntry, networkFilter } from './network-filter.ts';

/** envoy.config.listener.v3.FilterChain. */
export const filterChain = message({
  name: 'envoy.config.listener.v3.FilterChain',
  label: 'filter chain',
  fields: {
    filter_chain_match: withDefault(filterChainMatch, EMPTY_FILTER_CHAIN_MATCH),
    filters: repeated(networkFilter, { note: 'must end with http_connection_manager or tcp_proxy' }),
    use_proxy_proto: unsupported('the PROXY protocol is not available', { deprecated: true }),
    metadata: ignored('filter chain metadata is not read by any supported filter'),
    transport_socket: optional(downstreamTransportSocket, { note: 'unset: plaintext' }),
    transport_socket_connect_timeout: unsupported(),
    name: withDefault(str, ''),
    on_demand_configuration: unsupported(),
  },
  build: (v, ctx): FilterChain | undefined => {
    const filters = checkTerminalLast(v.filters, ctx.field('filters'));
    if (filters === undefined) return undefined;
    return {
      name: v.name,
      filterChainMatch: v.filter_chain_match,
      filters,
      transportSocket: v.transport_socket,
    };
  },
});

/** A chain needs a terminal filter, last, and no terminal filter before it. */
function checkTerminalLast(
  entries: readonly NetworkFilterEntry[],
  ctx: ValidationContext,
): NetworkFilter[] | undefined {
  const last = entries[entries.length - 1];
  if (last === undefined) {
    ctx.error(
      ConfigIssueCode.filterOrder,
      'a filter chain needs a terminal filter (http_connection_manager or tcp_proxy)',
    );
    return undefined;
  }
  let ok = true;
  entries.slice(0, -1).forEach((entry, index) => {
    if (!entry.terminal) return;
    const name = JSON.stringify(entry.filter.name);
    ctx
      .item(index)
      .error(
        ConfigIssueCode.filterOrder,
        `filter ${name} (${entry.filter.kind}) is terminal and must be the last filter`,
      );
    ok = false;
  });
  if (!last.terminal) {
    const name = JSON.stringify(last.filter.name);
    ctx
      .item(entries.length - 1)
      .error(ConfigIssueCode.filterOrder, `the last filter must be terminal; ${name} is not`);
    ok = false;
  }
  return ok ? entries.map((entry) => entry.filter) : undefined;
}
