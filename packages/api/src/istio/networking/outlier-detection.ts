/** OutlierDetection: ejection thresholds, sweep interval and ejection time (Istio's defaults filled in). */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { int32, uint32 } from '../../envoy/schema/numbers.ts';
import { bool } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { wrapper } from '../../envoy/schema/wrappers.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { deprecated, invalid } from '../core/istio-fields.ts';
import type { OutlierDetection } from '../types.ts';

const percentage = int32({ min: 0, max: 100, why: 'a percentage' });
const count = wrapper('UInt32Value', uint32());

export const outlierDetection: Schema<OutlierDetection> = message({
  name: 'istio.networking.v1.OutlierDetection',
  fields: {
    consecutiveErrors: optional(deprecated(int32(), 'consecutive5xxErrors or consecutiveGatewayErrors')),
    splitExternalLocalOriginErrors: withDefault(bool, false),
    consecutiveLocalOriginFailures: optional(count),
    consecutiveGatewayErrors: optional(count),
    consecutive5xxErrors: optional(count),
    interval: withDefault(istioDuration(), 10_000),
    baseEjectionTime: withDefault(istioDuration(), 30_000),
    maxEjectionPercent: withDefault(percentage, 10),
    minHealthPercent: withDefault(percentage, 0),
  },
  build: (v, ctx) => {
    if (!v.splitExternalLocalOriginErrors && (v.consecutiveLocalOriginFailures ?? 0) > 0) {
      invalid(
        ctx.field('consecutiveLocalOriginFailures'),
        'consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors: true',
      );
    }
    if (v.consecutiveErrors !== undefined && v.consecutiveErrors < 0) {
      ctx.field('consecutiveErrors').error(ConfigIssueCode.range, 'consecutiveErrors cannot be negative');
    }
    return {
      consecutive5xxErrors: v.consecutive5xxErrors ?? v.consecutiveErrors,
      consecutiveGatewayErrors: v.consecutiveGatewayErrors,
      consecutiveLocalOriginFailures: v.splitExternalLocalOriginErrors
        ? v.consecutiveLocalOriginFailures
        : undefined,
      intervalMs: v.interval,
      baseEjectionTimeMs: v.baseEjectionTime,
      maxEjectionPercent: v.maxEjectionPercent,
      minHealthPercent: v.minHealthPercent,
    };
  },
});
