import { isIP } from 'node:net';
import { ConfigIssueCode } from '../issue-codes.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { port, uint32 } from '../schema/numbers.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { CidrRange, SocketAddress } from '../types.ts';

export const socketAddress = message({
  name: 'envoy.config.core.v3.SocketAddress',
  fields: {
    protocol: withDefault(enumOf('SocketAddress.Protocol', { TCP: 0, UDP: 1 }, ['TCP']), 'TCP'),
    address: required(nonEmptyStr, { note: 'an IP address, or a hostname for DNS clusters' }),
    port_value: withDefault(port, 0, { oneof: 'port_specifier' }),
    named_port: unsupported('use port_value', { oneof: 'port_specifier' }),
    resolver_name: unsupported('custom resolvers are not available'),
    ipv4_compat: unsupported(),
    network_namespace_filepath: unsupported(),
  },
  build: (v): SocketAddress => ({ address: v.address, portValue: v.port_value }),
});

/** envoy.config.core.v3.Address; only `socket_address` (TCP) is supported. */
export const address = message({
  name: 'envoy.config.core.v3.Address',
  fields: {
    socket_address: optional(socketAddress, { oneof: 'address' }),
    pipe: unsupported('Unix domain sockets are not available', { oneof: 'address' }),
    envoy_internal_address: unsupported('internal listeners are not available', { oneof: 'address' }),
  },
  oneofs: { address: { required: true } },
  build: (v) => v.socket_address,
});

/**
 * Reports an error unless `addr.address` is an IP address (listeners, admin, STATIC endpoints).
 * `ctx` is the context of the Address field.
 */
export function requireIpAddress(addr: SocketAddress, ctx: ValidationContext, why: string): boolean {
  if (isIP(addr.address) !== 0) return true;
  ctx
    .field('socket_address')
    .field('address')
    .error(ConfigIssueCode.invalid, `${JSON.stringify(addr.address)} is not an IP address; ${why}`);
  return false;
}

export const cidrRange = message({
  name: 'envoy.config.core.v3.CidrRange',
  fields: {
    address_prefix: required(nonEmptyStr),
    prefix_len: withDefault(wrapper('UInt32Value', uint32({ max: 128 })), 0),
  },
  build: (v, ctx): CidrRange | undefined => {
    const family = isIP(v.address_prefix);
    if (family === 0) {
      ctx
        .field('address_prefix')
        .error(ConfigIssueCode.invalid, `${JSON.stringify(v.address_prefix)} is not an IP address`);
      return undefined;
    }
    if (family === 4 && v.prefix_len > 32) {
      ctx
        .field('prefix_len')
        .error(ConfigIssueCode.range, `must be at most 32 for an IPv4 prefix, got ${v.prefix_len}`);
      return undefined;
    }
    return { addressPrefix: v.address_prefix, prefixLen: v.prefix_len };
  },
});
