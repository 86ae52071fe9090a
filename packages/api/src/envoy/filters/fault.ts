/**
 * envoy.extensions.filters.http.fault.v3.HTTPFault: inject delays and aborts (HTTP or gRPC
 * status) into a share of requests, fixed or asked for by request headers. The same message is the
 * per-route config (it replaces the filter's config for that route).
 */
import { ALL, fractionalPercent } from '../core/fractional-percent.ts';
import { headerMatcher } from '../route/header-matcher.ts';
import { duration } from '../schema/duration.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { ignored, optional, repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { str } from '../schema/scalars.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { HeaderMatcher, PerMillion } from '../types.ts';

export const FAULT_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
export const FAULT_NAME = 'envoy.filters.http.fault';

export interface FaultConfig {
  readonly kind: 'fault';
  /** `fixedDelayMs` undefined: the delay comes from `x-envoy-fault-delay-request`. */
  readonly delay: { fixedDelayMs: number | undefined; fraction: PerMillion } | undefined;
  /** Exactly one of the statuses, or both undefined: from the `x-envoy-fault-abort-*` headers. */
  readonly abort:
    | { httpStatus: number | undefined; grpcStatus: number | undefined; fraction: PerMillion }
    | undefined;
  /** Only requests routed to this cluster get faults; '' for any. */
  readonly upstreamCluster: string;
  readonly headers: HeaderMatcher[];
  /** Only requests whose `x-envoy-downstream-service-node` is listed; empty for any. */
  readonly downstreamNodes: string[];
  readonly maxActiveFaults: number | undefined;
}

const runtime = ignored('there is no runtime; the config values apply');

const faultDelay = message({
  name: 'envoy.extensions.filters.common.fault.v3.FaultDelay',
  fields: {
    fixed_delay: optional(duration({ positive: true }), { oneof: 'fault_delay_secifier' }),
    header_delay: optional(emptyMessage('envoy.extensions.filters.common.fault.v3.FaultDelay.HeaderDelay'), {
      oneof: 'fault_delay_secifier',
      note: 'delay from x-envoy-fault-delay-request (ms)',
    }),
    percentage: optional(fractionalPercent, { defaultText: '100%' }),
  },
  oneofs: { fault_delay_secifier: { required: true } },
  build: (v) => ({ fixedDelayMs: v.fixed_delay, fraction: v.percentage ?? ALL }),
});

const faultAbort = message({
  name: 'envoy.extensions.filters.http.fault.v3.FaultAbort',
  fields: {
    http_status: optional(uint32({ min: 200, max: 599 }), { oneof: 'error_type' }),
    grpc_status: optional(uint32(), { oneof: 'error_type' }),
    header_abort: optional(emptyMessage('envoy.extensions.filters.http.fault.v3.FaultAbort.HeaderAbort'), {
      oneof: 'error_type',
      note: 'status from x-envoy-fault-abort-request or x-envoy-fault-abort-grpc-request',
    }),
    percentage: optional(fractionalPercent, { defaultText: '100%' }),
  },
  oneofs: { error_type: { required: true } },
  build: (v) => ({ httpStatus: v.http_status, grpcStatus: v.grpc_status, fraction: v.percentage ?? ALL }),
});

export const faultSchema = message({
  name: 'envoy.extensions.filters.http.fault.v3.HTTPFault',
  fields: {
    delay: optional(faultDelay),
    abort: optional(faultAbort),
    upstream_cluster: withDefault(str, ''),
    headers: repeated(headerMatcher),
    downstream_nodes: repeated(str),
    max_active_faults: optional(wrapper('UInt32Value', uint32()), { defaultText: 'unlimited' }),
    response_rate_limit: unsupported('response bandwidth limits are not available'),
    delay_percent_runtime: runtime,
    abort_percent_runtime: runtime,
    delay_duration_runtime: runtime,
    abort_http_status_runtime: runtime,
    max_active_faults_runtime: runtime,
    response_rate_limit_percent_runtime: runtime,
    abort_grpc_status_runtime: runtime,
    disable_downstream_cluster_stats: ignored('per-downstream-cluster fault stats are not emitted'),
    filter_metadata: unsupported(),
  },
  build: (v): FaultConfig => ({
    kind: 'fault',
    delay: v.delay,
    abort: v.abort,
    upstreamCluster: v.upstream_cluster,
    headers: v.headers,
    downstreamNodes: v.downstream_nodes,
    maxActiveFaults: v.max_active_faults,
  }),
});
