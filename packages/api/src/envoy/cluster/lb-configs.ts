import { ConfigIssueCode } from '../issue-codes.ts';
import { duration } from '../schema/duration.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { double, uint32, uint64 } from '../schema/numbers.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { SlowStartConfig } from '../types.ts';

const MAX_RING = 8_388_608;

export const DEFAULT_RING_HASH = { minimumRingSize: 1024, maximumRingSize: MAX_RING };
export const DEFAULT_MAGLEV = { tableSize: 65537 };
export const DEFAULT_LEAST_REQUEST = { choiceCount: 2 };

const ringSize = wrapper('UInt64Value', uint64({ max: MAX_RING }));

export const ringHashLbConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.RingHashLbConfig',
  fields: {
    minimum_ring_size: withDefault(ringSize, 1024),
    hash_function: withDefault(
      enumOf('HashFunction', { XX_HASH: 0, MURMUR_HASH_2: 1 }, ['XX_HASH']),
      'XX_HASH',
    ),
    maximum_ring_size: withDefault(ringSize, MAX_RING),
  },
  build: (v, ctx) => {
    if (v.minimum_ring_size <= v.maximum_ring_size) {
      return { minimumRingSize: v.minimum_ring_size, maximumRingSize: v.maximum_ring_size };
    }
    ctx.error(
      ConfigIssueCode.invalid,
      `minimum_ring_size ${v.minimum_ring_size} is above maximum_ring_size ${v.maximum_ring_size}`,
    );
    return undefined;
  },
});

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export const maglevLbConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.MaglevLbConfig',
  fields: {
    table_size: withDefault(wrapper('UInt64Value', uint64({ max: 5_000_011 })), 65537, {
      note: 'must be prime',
    }),
  },
  build: (v, ctx) => {
    if (isPrime(v.table_size)) return { tableSize: v.table_size };
    ctx.field('table_size').error(ConfigIssueCode.invalid, `must be a prime number, got ${v.table_size}`);
    return undefined;
  },
});

const runtimeDouble = message({
  name: 'envoy.config.core.v3.RuntimeDouble',
  fields: {
    default_value: withDefault(double({ min: 0 }), 0),
    runtime_key: ignored('there is no runtime; the default value applies'),
  },
  build: (v) => v.default_value,
});

const slowStartPercent = message({
  name: 'envoy.type.v3.Percent',
  title: 'SlowStartConfig.Percent',
  fields: { value: withDefault(double({ min: 0, max: 100 }), 10) },
  build: (v) => v.value,
});

/** envoy.config.cluster.v3.Cluster.SlowStartConfig: new hosts ramp up their weight over a window. */
export const slowStartConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.SlowStartConfig',
  fields: {
    slow_start_window: required(duration({ positive: true })),
    aggression: optional(runtimeDouble, { defaultText: '1.0 (linear)' }),
    min_weight_percent: withDefault(slowStartPercent, 10),
  },
  build: (v, ctx): SlowStartConfig | undefined => {
    const aggression = v.aggression ?? 1;
    if (aggression <= 0) {
      ctx.field('aggression').error(ConfigIssueCode.range, 'must be greater than 0');
      return undefined;
    }
    return { windowMs: v.slow_start_window, aggression, minWeightPercent: v.min_weight_percent };
  },
});

export const leastRequestLbConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.LeastRequestLbConfig',
  fields: {
    choice_count: withDefault(wrapper('UInt32Value', uint32({ min: 2 })), 2),
    active_request_bias: unsupported(),
    slow_start_config: optional(slowStartConfig),
  },
  build: (v) => ({ choiceCount: v.choice_count, slowStart: v.slow_start_config }),
});

export const roundRobinLbConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.RoundRobinLbConfig',
  fields: { slow_start_config: optional(slowStartConfig) },
  build: (v) => ({ slowStart: v.slow_start_config }),
});

const percent = message({
  name: 'envoy.type.v3.Percent',
  fields: { value: withDefault(double({ min: 0, max: 100 }), 0) },
  build: (v) => v.value,
});

/** What CommonLbConfig contributes to a Cluster. */
export interface CommonLb {
  readonly healthyPanicThresholdPercent: number;
  readonly localityWeightedLb: boolean;
}

export const DEFAULT_COMMON_LB: CommonLb = { healthyPanicThresholdPercent: 50, localityWeightedLb: false };

const locality = { oneof: 'locality_config_specifier' };

export const commonLbConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.CommonLbConfig',
  fields: {
    healthy_panic_threshold: withDefault(percent, 50, { note: 'percent; 0 disables panic mode' }),
    zone_aware_lb_config: unsupported(undefined, locality),
    locality_weighted_lb_config: optional(
      emptyMessage('envoy.config.cluster.v3.Cluster.CommonLbConfig.LocalityWeightedLbConfig'),
      locality,
    ),
    update_merge_window: ignored('host updates apply at once'),
    ignore_new_hosts_until_first_hc: unsupported(),
    close_connections_on_host_set_change: unsupported(),
    consistent_hashing_lb_config: unsupported(),
    override_host_status: unsupported(),
  },
  build: (v): CommonLb => ({
    healthyPanicThresholdPercent: v.healthy_panic_threshold,
    localityWeightedLb: v.locality_weighted_lb_config === true,
  }),
});
