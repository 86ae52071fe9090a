import { address, requireIpAddress } from '../core/address.ts';
import { ignored, optional, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import type { Admin } from '../types.ts';

const accessLog = ignored('admin access logging is not implemented yet');

/** envoy.config.bootstrap.v3.Admin. Without an address there is no admin listener, as in Envoy. */
export const admin = message({
  name: 'envoy.config.bootstrap.v3.Admin',
  fields: {
    access_log: accessLog,
    access_log_path: ignored('admin access logging is not implemented yet', { deprecated: true }),
    profile_path: ignored('there is no CPU profiler'),
    address: optional(address, { note: 'unset: no admin listener' }),
    socket_options: unsupported(),
    ignore_global_conn_limit: ignored('there is no global connection limit'),
  },
  build: (v, ctx): Admin | undefined => {
    if (v.address === undefined) return undefined;
    if (!requireIpAddress(v.address, ctx.field('address'), 'the admin listener binds to an IP address'))
      return undefined;
    return { address: v.address };
  },
});
