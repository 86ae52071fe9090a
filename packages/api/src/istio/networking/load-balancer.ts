/**
 * LoadBalancerSettings: a simple policy or consistent hashing (exactly one hash key; ring hash or Maglev with
 * a prime table size below 5000011). Locality settings and warm-up are checked but not applied yet.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { listOf, mapOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { double, uint32, uint64 } from '../../envoy/schema/numbers.ts';
import { bool, str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { boolValue, wrapper } from '../../envoy/schema/wrappers.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { deprecated, invalid, notApplied, stringList } from '../core/istio-fields.ts';
import type { ConsistentHash, LoadBalancerSettings, LocalityLbSetting } from '../types.ts';

const SIMPLE = { UNSPECIFIED: 0, LEAST_CONN: 1, RANDOM: 2, PASSTHROUGH: 3, ROUND_ROBIN: 4, LEAST_REQUEST: 5 };

const httpCookie = message({
  name: 'istio.networking.v1.LoadBalancerSettings.ConsistentHashLB.HTTPCookie',
  fields: {
    name: required(str),
    path: withDefault(str, ''),
    ttl: optional(istioDuration({ validation: 'none' })),
    attributes: optional(
      notApplied(
        listOf(
          message({
            name: 'istio.networking.v1.HTTPCookie.Attribute',
            fields: { name: required(str), value: optional(str) },
            build: () => true,
          }),
        ),
        'cookie attributes',
      ),
    ),
  },
  build: (v, ctx) => {
    if (v.name === '') invalid(ctx.field('name'), 'the hash cookie needs a name');
    return { kind: 'httpCookie' as const, name: v.name, path: v.path, ttlMs: v.ttl };
  },
});

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0) return false;
  for (let f = 3; f * f <= n; f += 2) if (n % f === 0) return false;
  return true;
}

const maglev = message({
  name: 'istio.networking.v1.LoadBalancerSettings.ConsistentHashLB.MagLev',
  fields: { tableSize: withDefault(uint64(), 0) },
  build: (v, ctx) => {
    const at = ctx.field('tableSize');
    if (v.tableSize === 0) at.error(ConfigIssueCode.required, 'Maglev needs a tableSize');
    else if (v.tableSize >= 5000011)
      at.error(ConfigIssueCode.range, 'Maglev tableSize must be below 5000011');
    else if (!isPrime(v.tableSize)) invalid(at, `Maglev tableSize ${v.tableSize} must be a prime number`);
    return { kind: 'maglev' as const, tableSize: v.tableSize };
  },
});

const ringHash = message({
  name: 'istio.networking.v1.LoadBalancerSettings.ConsistentHashLB.RingHash',
  fields: { minimumRingSize: withDefault(uint64(), 1024) },
  build: (v) => ({ kind: 'ringHash' as const, minimumRingSize: v.minimumRingSize || 1024 }),
});

const consistentHash: Schema<ConsistentHash> = message({
  name: 'istio.networking.v1.LoadBalancerSettings.ConsistentHashLB',
  fields: {
    httpHeaderName: optional(str, { oneof: 'hashKey' }),
    httpCookie: optional(httpCookie, { oneof: 'hashKey' }),
    useSourceIp: optional(bool, { oneof: 'hashKey' }),
    httpQueryParameterName: optional(str, { oneof: 'hashKey' }),
    ringHash: optional(ringHash, { oneof: 'hashAlgorithm' }),
    maglev: optional(maglev, { oneof: 'hashAlgorithm' }),
    minimumRingSize: optional(deprecated(uint64(), 'ringHash.minimumRingSize')),
  },
  oneofs: { hashKey: { required: true }, hashAlgorithm: {} },
  build: (v, ctx): ConsistentHash | undefined => {
    if (v.minimumRingSize !== undefined && (v.ringHash ?? v.maglev) !== undefined) {
      invalid(ctx, 'set only one of minimumRingSize and ringHash/maglev');
    }
    const key: ConsistentHash['key'] =
      v.httpCookie ??
      (v.httpHeaderName !== undefined
        ? { kind: 'httpHeaderName', name: v.httpHeaderName }
        : v.httpQueryParameterName !== undefined
          ? { kind: 'httpQueryParameterName', name: v.httpQueryParameterName }
          : { kind: 'useSourceIp' });
    if (v.useSourceIp === false) invalid(ctx.field('useSourceIp'), 'useSourceIp: false selects no hash key');
    const algorithm = v.maglev ??
      v.ringHash ?? { kind: 'ringHash', minimumRingSize: v.minimumRingSize || 1024 };
    return { key, algorithm };
  },
});

const distribute = message({
  name: 'istio.networking.v1.LocalityLoadBalancerSetting.Distribute',
  fields: { from: withDefault(str, ''), to: withDefault(mapOf(uint32({ min: 1, max: 100 })), {}) },
  build: (v, ctx) => {
    const total = Object.values(v.to).reduce((a, b) => a + b, 0);
    if (total !== 100) invalid(ctx.field('to'), `locality weights must sum to 100, got ${total}`);
    return { from: v.from, to: v.to };
  },
});

const failover = message({
  name: 'istio.networking.v1.LocalityLoadBalancerSetting.Failover',
  fields: { from: withDefault(str, ''), to: withDefault(str, '') },
  build: (v, ctx) => {
    if (v.from === v.to) invalid(ctx, 'locality failover must name two different regions');
    if (`${v.from}${v.to}`.includes('/')) invalid(ctx, 'locality failover names regions only (no "/")');
    if (`${v.from}${v.to}`.includes('*')) invalid(ctx, 'locality failover regions cannot contain "*"');
    return { from: v.from, to: v.to };
  },
});

const localityLbSetting = message({
  name: 'istio.networking.v1.LocalityLoadBalancerSetting',
  fields: {
    distribute: withDefault(listOf(distribute), []),
    failover: withDefault(listOf(failover), []),
    failoverPriority: withDefault(stringList, []),
    enabled: optional(boolValue),
  },
  build: (v, ctx): LocalityLbSetting => {
    if (v.distribute.length > 0 && v.failover.length > 0)
      invalid(ctx, "set only one of 'distribute' and 'failover'");
    return {
      distribute: v.distribute,
      failover: v.failover,
      failoverPriority: v.failoverPriority,
      enabled: v.enabled,
    };
  },
});

const warmup = message({
  name: 'istio.networking.v1.WarmupConfiguration',
  fields: {
    duration: required(istioDuration()),
    minimumPercent: optional(wrapper('DoubleValue', double({ min: 0, max: 100, why: 'a percentage' }))),
    aggression: optional(wrapper('DoubleValue', double({ min: 0, why: 'aggression cannot be negative' }))),
  },
  build: (v) => ({
    durationMs: v.duration,
    minimumPercent: v.minimumPercent ?? 10,
    aggression: v.aggression ?? 1,
  }),
});

export const loadBalancerSettings: Schema<LoadBalancerSettings | undefined> = message({
  name: 'istio.networking.v1.LoadBalancerSettings',
  fields: {
    simple: optional(enumOf('SimpleLB', SIMPLE), { oneof: 'lbPolicy' }),
    consistentHash: optional(consistentHash, { oneof: 'lbPolicy' }),
    localityLbSetting: optional(localityLbSetting),
    warmupDurationSecs: optional(istioDuration()),
    warmup: optional(warmup),
  },
  oneofs: { lbPolicy: {} },
  build: (v, ctx): LoadBalancerSettings | undefined => {
    if (v.warmup !== undefined && v.warmupDurationSecs !== undefined)
      invalid(ctx, 'set only one of warmupDurationSecs and warmup');
    const warmupSettings =
      v.warmup ??
      (v.warmupDurationSecs === undefined
        ? undefined
        : { durationMs: v.warmupDurationSecs, minimumPercent: 10, aggression: 1 });
    const extra = {
      ...(v.localityLbSetting !== undefined ? { localityLbSetting: v.localityLbSetting } : {}),
      ...(warmupSettings !== undefined ? { warmup: warmupSettings } : {}),
    };
    if (v.consistentHash !== undefined)
      return { kind: 'consistentHash', consistentHash: v.consistentHash, ...extra };
    if (v.simple !== undefined) return { kind: 'simple', simple: v.simple, ...extra };
    return Object.keys(extra).length > 0 ? { kind: 'default', ...extra } : undefined;
  },
});
