/**
 * envoy.config.cluster.v3.OutlierDetection: eject hosts that fail (consecutive 5xx, gateway
 * failures, local-origin failures, success rate, failure percentage) for a growing time.
 */
import { duration } from '../schema/duration.ts';
import { unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool } from '../schema/scalars.ts';
import { boolValue, wrapper } from '../schema/wrappers.ts';
import type { ClusterOutlierDetection } from '../types.ts';

const count = wrapper('UInt32Value', uint32());
const percent = wrapper('UInt32Value', uint32({ max: 100 }));

export const outlierDetection = message({
  name: 'envoy.config.cluster.v3.OutlierDetection',
  fields: {
    consecutive_5xx: withDefault(count, 5, { note: '0 disables' }),
    interval: withDefault(duration({ positive: true }), 10_000),
    base_ejection_time: withDefault(duration({ positive: true }), 30_000),
    max_ejection_percent: withDefault(percent, 10, { note: 'at least one host may always be ejected' }),
    enforcing_consecutive_5xx: withDefault(percent, 100),
    enforcing_success_rate: withDefault(percent, 100),
    success_rate_minimum_hosts: withDefault(count, 5),
    success_rate_request_volume: withDefault(count, 100),
    success_rate_stdev_factor: withDefault(count, 1900, { note: 'divided by 1000' }),
    consecutive_gateway_failure: withDefault(count, 5, { note: '0 disables' }),
    enforcing_consecutive_gateway_failure: withDefault(percent, 0),
    split_external_local_origin_errors: withDefault(bool, false),
    consecutive_local_origin_failure: withDefault(count, 5),
    enforcing_consecutive_local_origin_failure: withDefault(percent, 100),
    enforcing_local_origin_success_rate: withDefault(percent, 100),
    failure_percentage_threshold: withDefault(percent, 85),
    enforcing_failure_percentage: withDefault(percent, 0),
    enforcing_failure_percentage_local_origin: withDefault(percent, 0),
    failure_percentage_minimum_hosts: withDefault(count, 5),
    failure_percentage_request_volume: withDefault(count, 50),
    max_ejection_time: withDefault(duration({ positive: true }), 300_000),
    max_ejection_time_jitter: withDefault(duration(), 0),
    successful_active_health_check_uneject_host: withDefault(boolValue, true),
    monitors: unsupported(),
    always_eject_one_host: unsupported(),
  },
  build: (v): ClusterOutlierDetection => ({
    consecutive5xx: v.consecutive_5xx,
    consecutiveGatewayFailure: v.consecutive_gateway_failure,
    consecutiveLocalOriginFailure: v.consecutive_local_origin_failure,
    enforcingConsecutive5xx: v.enforcing_consecutive_5xx,
    enforcingConsecutiveGatewayFailure: v.enforcing_consecutive_gateway_failure,
    enforcingConsecutiveLocalOriginFailure: v.enforcing_consecutive_local_origin_failure,
    enforcingSuccessRate: v.enforcing_success_rate,
    enforcingFailurePercentage: v.enforcing_failure_percentage,
    enforcingLocalOriginSuccessRate: v.enforcing_local_origin_success_rate,
    enforcingFailurePercentageLocalOrigin: v.enforcing_failure_percentage_local_origin,
    splitExternalLocalOriginErrors: v.split_external_local_origin_errors,
    intervalMs: v.interval,
    baseEjectionTimeMs: v.base_ejection_time,
    maxEjectionTimeMs: Math.max(v.max_ejection_time, v.base_ejection_time),
    maxEjectionTimeJitterMs: v.max_ejection_time_jitter,
    maxEjectionPercent: v.max_ejection_percent,
    successRateMinimumHosts: v.success_rate_minimum_hosts,
    successRateRequestVolume: v.success_rate_request_volume,
    successRateStdevFactor: v.success_rate_stdev_factor,
    failurePercentageThreshold: v.failure_percentage_threshold,
    failurePercentageMinimumHosts: v.failure_percentage_minimum_hosts,
    failurePercentageRequestVolume: v.failure_percentage_request_volume,
    successfulActiveHealthCheckUnejectHost: v.successful_active_health_check_uneject_host,
  }),
});
