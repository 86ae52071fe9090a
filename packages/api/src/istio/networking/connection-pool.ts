/** ConnectionPoolSettings: TCP and HTTP limits (all non-negative) and timeouts (>= 1ms). */
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { int32, uint32 } from '../../envoy/schema/numbers.ts';
import { bool } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { invalid, notApplied } from '../core/istio-fields.ts';
import type { ConnectionPoolSettings } from '../types.ts';

const nonNegative = int32({ min: 0, why: 'a limit cannot be negative' });
const orUndefined = (n: number | undefined) => (n === undefined || n === 0 ? undefined : n);

const tcpKeepalive = message({
  name: 'istio.networking.v1.ConnectionPoolSettings.TCPSettings.TcpKeepalive',
  fields: {
    probes: optional(uint32()),
    time: optional(istioDuration()),
    interval: optional(istioDuration()),
  },
  build: () => true,
});

const tcpSettings = message({
  name: 'istio.networking.v1.ConnectionPoolSettings.TCPSettings',
  fields: {
    maxConnections: optional(nonNegative),
    connectTimeout: optional(istioDuration()),
    tcpKeepalive: optional(notApplied(tcpKeepalive, 'TCP keepalive settings')),
    maxConnectionDuration: optional(notApplied(istioDuration(), 'maxConnectionDuration')),
    idleTimeout: optional(notApplied(istioDuration({ validation: 'none' }), 'TCP idle timeouts')),
  },
  build: (v) => ({ maxConnections: orUndefined(v.maxConnections), connectTimeoutMs: v.connectTimeout }),
});

const http2KeepAlive = message({
  name: 'istio.networking.v1.ConnectionPoolSettings.HTTPSettings.Http2KeepAlive',
  fields: { interval: optional(istioDuration()), timeout: optional(istioDuration()) },
  build: () => true,
});

const H2_UPGRADE = { DEFAULT: 0, DO_NOT_UPGRADE: 1, UPGRADE: 2 };

const httpSettings = message({
  name: 'istio.networking.v1.ConnectionPoolSettings.HTTPSettings',
  fields: {
    http1MaxPendingRequests: optional(nonNegative),
    http2MaxRequests: optional(nonNegative),
    maxRequestsPerConnection: optional(nonNegative),
    maxRetries: optional(nonNegative),
    idleTimeout: optional(istioDuration()),
    h2UpgradePolicy: withDefault(enumOf('H2UpgradePolicy', H2_UPGRADE), 'DEFAULT'),
    useClientProtocol: optional(notApplied(bool, 'useClientProtocol')),
    maxConcurrentStreams: optional(notApplied(nonNegative, 'maxConcurrentStreams')),
    http2KeepAlive: optional(notApplied(http2KeepAlive, 'HTTP/2 keepalive pings')),
  },
  build: (v) => ({
    http1MaxPendingRequests: orUndefined(v.http1MaxPendingRequests),
    http2MaxRequests: orUndefined(v.http2MaxRequests),
    maxRequestsPerConnection: orUndefined(v.maxRequestsPerConnection),
    maxRetries: orUndefined(v.maxRetries),
    idleTimeoutMs: v.idleTimeout,
    h2UpgradePolicy: v.h2UpgradePolicy,
  }),
});

export const connectionPoolSettings: Schema<ConnectionPoolSettings> = message({
  name: 'istio.networking.v1.ConnectionPoolSettings',
  fields: { tcp: optional(tcpSettings), http: optional(httpSettings) },
  enter: (raw, ctx) => {
    if (raw.tcp == null && raw.http == null) invalid(ctx, 'connection pool settings need tcp and/or http');
    return ctx;
  },
  build: (v) => ({ tcp: v.tcp, http: v.http }),
});
