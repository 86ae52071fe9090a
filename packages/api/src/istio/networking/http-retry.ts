/**
 * HTTPRetry. `retryOn` is a comma-separated list of Envoy retry conditions (`5xx`, `gateway-error`,
 * `connect-failure`, ..., gRPC ones like `unavailable`) and/or HTTP status codes.
 */
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { int32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { boolValue } from '../../envoy/schema/wrappers.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { invalid } from '../core/istio-fields.ts';
import type { HttpRetry } from '../types.ts';

const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

/** Status codes with a standard reason phrase (the ones Istio accepts in `retryOn`). */
const KNOWN_STATUS = /^(10[0-3]|20[0-8]|226|30[0-5]|30[78]|4(0\d|1[0-8])|42[1-689]|431|451|50[0-8]|51[01])$/;

function checkRetryOn(retryOn: string): string | undefined {
  const bad = retryOn.split(',').filter((policy) => !RETRY_ON.has(policy) && !KNOWN_STATUS.test(policy));
  return bad.length === 0
    ? undefined
    : `${bad.map((p) => `"${p}"`).join(', ')} ${bad.length === 1 ? 'is not a' : 'are not'} valid retryOn ${bad.length === 1 ? 'policy' : 'policies'}`;
}

export const httpRetry: Schema<HttpRetry> = message({
  name: 'istio.networking.v1.HTTPRetry',
  fields: {
    attempts: withDefault(int32({ min: 0, why: 'attempts cannot be negative' }), 0),
    perTryTimeout: optional(istioDuration()),
    retryOn: withDefault(str, ''),
    retryRemoteLocalities: optional(boolValue),
    retryIgnorePreviousHosts: optional(boolValue),
    backoff: optional(istioDuration()),
  },
  build: (v, ctx) => {
    if (
      v.attempts === 0 &&
      (v.perTryTimeout !== undefined || v.retryOn !== '' || v.retryRemoteLocalities !== undefined)
    ) {
      invalid(ctx.field('attempts'), 'retry settings are given but attempts is 0 (retries disabled)');
    }
    const reason = v.retryOn === '' ? undefined : checkRetryOn(v.retryOn);
    if (reason !== undefined) invalid(ctx.field('retryOn'), reason);
    return {
      attempts: v.attempts,
      perTryTimeoutMs: v.perTryTimeout,
      retryOn: v.retryOn,
      retryRemoteLocalities: v.retryRemoteLocalities ?? false,
      retryIgnorePreviousHosts: v.retryIgnorePreviousHosts ?? true,
      backoffMs: v.backoff,
    };
  },
});
