import { address, requireIpAddress } from '../core/address.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import { boolValue, wrapper } from '../schema/wrappers.ts';
import type { FilterChain, Listener } from '../types.ts';
import { filterChain } from './filter-chain.ts';
import { listenerFilter } from './listener-filter.ts';
import { describeRule, matchRules } from './match-overlap.ts';

const later = ignored('access logging is not implemented yet');

/** envoy.config.listener.v3.Listener. */
export const listener = message({
  name: 'envoy.config.listener.v3.Listener',
  label: 'listener',
  fields: {
    name: required(nonEmptyStr, { note: 'unique among listeners' }),
    address: required(address, { note: 'an IP address and port' }),
    additional_addresses: unsupported(),
    stat_prefix: ignored('listener statistics use the listener name'),
    filter_chains: repeated(filterChain),
    filter_chain_matcher: unsupported('use filter_chain_match'),
    use_original_dst: withDefault(boolValue, false, {
      note: 'hand redirected connections to the listener for their original destination',
    }),
    default_filter_chain: optional(filterChain, { note: 'used when no filter chain matches' }),
    per_connection_buffer_limit_bytes: withDefault(wrapper('UInt32Value', uint32()), 1024 * 1024),
    metadata: ignored('listener metadata is not read by any supported filter'),
    deprecated_v1: unsupported(),
    drain_type: withDefault(enumOf('DrainType', { DEFAULT: 0, MODIFY_ONLY: 1 }, ['DEFAULT']), 'DEFAULT'),
    listener_filters: repeated(listenerFilter),
    listener_filters_timeout: withDefault(duration(), 15_000, { note: '0s disables' }),
    continue_on_listener_filters_timeout: withDefault(bool, false),
    transparent: unsupported(),
    freebind: unsupported(),
    socket_options: unsupported(),
    tcp_fast_open_queue_length: unsupported(),
    traffic_direction: withDefault(
      enumOf('TrafficDirection', { UNSPECIFIED: 0, INBOUND: 1, OUTBOUND: 2 }),
      'UNSPECIFIED',
    ),
    udp_listener_config: unsupported('UDP is not available'),
    api_listener: unsupported(),
    connection_balance_config: unsupported(),
    reuse_port: ignored('port reuse is decided by Tandem', { deprecated: true }),
    enable_reuse_port: ignored('port reuse is decided by Tandem (Node 20 ignores it)'),
    access_log: later,
    tcp_backlog_size: unsupported(),
    max_connections_to_accept_per_socket_event: ignored('Node accepts connections as they arrive'),
    bind_to_port: withDefault(boolValue, true),
    internal_listener: unsupported('internal listeners are not available'),
    enable_mptcp: unsupported(),
    ignore_global_conn_limit: ignored('there is no global connection limit'),
    bypass_overload_manager: ignored('there is no overload manager'),
  },
  build: (v, ctx): Listener | undefined => {
    const before = ctx.errorCount;
    requireIpAddress(v.address, ctx.field('address'), 'a listener binds to an IP address');
    if (v.filter_chains.length === 0 && v.default_filter_chain === undefined) {
      ctx
        .field('filter_chains')
        .error(ConfigIssueCode.required, 'a listener needs filter_chains or a default_filter_chain');
    }
    checkDistinctMatches(v.filter_chains, ctx.field('filter_chains'));
    if (ctx.errorCount > before) return undefined;
    return {
      name: v.name,
      address: v.address,
      filterChains: v.filter_chains,
      defaultFilterChain: v.default_filter_chain,
      listenerFilters: v.listener_filters,
      listenerFiltersTimeoutMs: v.listener_filters_timeout,
      continueOnListenerFiltersTimeout: v.continue_on_listener_filters_timeout,
      perConnectionBufferLimitBytes: v.per_connection_buffer_limit_bytes,
      trafficDirection: v.traffic_direction,
      bindToPort: v.bind_to_port,
      useOriginalDst: v.use_original_dst,
    };
  },
});

/** Envoy refuses two filter chains that would match the same connection with the same rules. */
function checkDistinctMatches(chains: readonly FilterChain[], ctx: ValidationContext): void {
  const owners = new Map<string, number>();
  chains.forEach((chain, index) => {
    for (const rule of matchRules(chain.filterChainMatch)) {
      const first = owners.get(rule);
      if (first === undefined) {
        owners.set(rule, index);
        continue;
      }
      const message = `filter chains ${first} and ${index} have the same matching rules (${describeRule(rule)}); Envoy refuses that`;
      ctx.item(index).field('filter_chain_match').error(ConfigIssueCode.duplicate, message);
      return;
    }
  });
}
