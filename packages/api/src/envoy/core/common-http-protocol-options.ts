import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { wrapper } from '../schema/wrappers.ts';

const NAME = 'envoy.config.core.v3.HttpProtocolOptions';
const HOUR_MS = 3_600_000;

/** Connection limits of an HCM (downstream side). Zero means unlimited/disabled. */
export interface DownstreamHttpLimits {
  readonly idleTimeoutMs: number;
  readonly maxConnectionDurationMs: number;
  readonly maxHeadersCount: number;
  readonly maxStreamDurationMs: number;
  readonly headersWithUnderscoresAction: 'ALLOW' | 'REJECT_REQUEST' | 'DROP_HEADER';
  readonly maxRequestsPerConnection: number;
}

/** Connection limits of a cluster (upstream side). Zero means unlimited/disabled. */
export interface UpstreamHttpLimits {
  readonly idleTimeoutMs: number;
  readonly maxRequestsPerConnection: number;
}

const idleTimeout = withDefault(duration(), HOUR_MS, { note: '0s disables' });
const maxRequests = withDefault(wrapper('UInt32Value', uint32()), 0, { note: '0: unlimited' });

/** HttpProtocolOptions as an HCM reads it (`common_http_protocol_options`). */
export const downstreamHttpProtocolOptions = message({
  name: NAME,
  title: 'HttpProtocolOptions (HttpConnectionManager)',
  fields: {
    idle_timeout: idleTimeout,
    max_connection_duration: withDefault(duration(), 0, { note: '0s: unlimited' }),
    max_headers_count: withDefault(wrapper('UInt32Value', uint32({ min: 1 })), 100),
    max_response_headers_kb: unsupported(),
    max_stream_duration: unsupported('stream duration limits arrive with traffic management', {
      planned: true,
    }),
    headers_with_underscores_action: withDefault(
      enumOf('HeadersWithUnderscoresAction', { ALLOW: 0, REJECT_REQUEST: 1, DROP_HEADER: 2 }),
      'ALLOW',
    ),
    max_requests_per_connection: maxRequests,
  },
  build: (v): DownstreamHttpLimits => ({
    idleTimeoutMs: v.idle_timeout,
    maxConnectionDurationMs: v.max_connection_duration,
    maxHeadersCount: v.max_headers_count,
    maxStreamDurationMs: 0,
    headersWithUnderscoresAction: v.headers_with_underscores_action,
    maxRequestsPerConnection: v.max_requests_per_connection,
  }),
});

export const DEFAULT_DOWNSTREAM_LIMITS: DownstreamHttpLimits = {
  idleTimeoutMs: HOUR_MS,
  maxConnectionDurationMs: 0,
  maxHeadersCount: 100,
  maxStreamDurationMs: 0,
  headersWithUnderscoresAction: 'ALLOW',
  maxRequestsPerConnection: 0,
};

const upstreamOnly = 'not implemented for upstream connections';

/** HttpProtocolOptions as a cluster reads it. */
export const upstreamHttpProtocolOptions = message({
  name: NAME,
  title: 'HttpProtocolOptions (Cluster)',
  fields: {
    idle_timeout: idleTimeout,
    max_connection_duration: unsupported(upstreamOnly),
    max_headers_count: unsupported(upstreamOnly),
    max_response_headers_kb: unsupported(upstreamOnly),
    max_stream_duration: unsupported(upstreamOnly),
    headers_with_underscores_action: unsupported(upstreamOnly),
    max_requests_per_connection: maxRequests,
  },
  build: (v): UpstreamHttpLimits => ({
    idleTimeoutMs: v.idle_timeout,
    maxRequestsPerConnection: v.max_requests_per_connection,
  }),
});

export const DEFAULT_UPSTREAM_LIMITS: UpstreamHttpLimits = {
  idleTimeoutMs: HOUR_MS,
  maxRequestsPerConnection: 0,
};
