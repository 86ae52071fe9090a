import { duration } from '../schema/duration.ts';
import { optional, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';

/** envoy.config.route.v3.RouteAction.MaxStreamDuration. */
export const maxStreamDuration = message({
  name: 'envoy.config.route.v3.RouteAction.MaxStreamDuration',
  fields: {
    max_stream_duration: optional(duration(), { note: "unset: the HCM's; 0s disables it for the route" }),
    grpc_timeout_header_max: optional(duration(), { note: 'caps grpc-timeout; 0s uses grpc-timeout as is' }),
    grpc_timeout_header_offset: unsupported(),
  },
  build: (v) => ({
    maxStreamDurationMs: v.max_stream_duration,
    grpcTimeoutHeaderMaxMs: v.grpc_timeout_header_max,
  }),
});
