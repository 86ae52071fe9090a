import { cidrRange } from '../core/address.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { nonEmptyStr, str } from '../schema/scalars.ts';
import { refine } from '../schema/schema.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { FilterChainMatch } from '../types.ts';

const portNumber = uint32({ min: 1, max: 65535 });

/** Envoy takes exact server names and `*.`-prefixed wildcards only. */
const serverName = refine(nonEmptyStr, (name, ctx) => {
  if (name.includes('*') && !name.startsWith('*.')) {
    ctx.error(
      ConfigIssueCode.invalid,
      `${JSON.stringify(name)}: partial wildcards are not supported in server_names; use "*.example.com"`,
    );
  } else if (name.lastIndexOf('*') > 0) {
    ctx.error(ConfigIssueCode.invalid, `${JSON.stringify(name)}: only one leading wildcard is allowed`);
  }
});

export const EMPTY_FILTER_CHAIN_MATCH: FilterChainMatch = {
  destinationPort: undefined,
  prefixRanges: [],
  sourcePrefixRanges: [],
  sourcePorts: [],
  serverNames: [],
  transportProtocol: '',
  applicationProtocols: [],
};

/** envoy.config.listener.v3.FilterChainMatch; unset criteria match anything. */
export const filterChainMatch = message({
  name: 'envoy.config.listener.v3.FilterChainMatch',
  fields: {
    destination_port: optional(wrapper('UInt32Value', portNumber)),
    prefix_ranges: repeated(cidrRange),
    address_suffix: unsupported(),
    suffix_len: unsupported(),
    direct_source_prefix_ranges: unsupported(),
    source_type: withDefault(
      enumOf('ConnectionSourceType', { ANY: 0, SAME_IP_OR_LOOPBACK: 1, EXTERNAL: 2 }, ['ANY']),
      'ANY',
    ),
    source_prefix_ranges: repeated(cidrRange),
    source_ports: repeated(portNumber),
    server_names: repeated(serverName, { note: 'needs the tls_inspector listener filter' }),
    transport_protocol: withDefault(str, '', { note: '"raw_buffer", "tls", or empty for any' }),
    application_protocols: repeated(nonEmptyStr, {
      note: 'ALPN, e.g. "h2"; needs tls_inspector or http_inspector',
    }),
  },
  build: (v): FilterChainMatch => ({
    destinationPort: v.destination_port,
    prefixRanges: v.prefix_ranges,
    sourcePrefixRanges: v.source_prefix_ranges,
    sourcePorts: v.source_ports,
    serverNames: v.server_names,
    transportProtocol: v.transport_protocol,
    applicationProtocols: v.application_protocols,
  }),
});
