/**
 * HTTPFaultInjection: a delay and/or an abort, each applied to a percentage of requests (default 100%).
 * Percentages are 0 or between 0.0001 and 100; aborts carry an HTTP status (200..599) or a gRPC status name.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { optional } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { deprecated, invalid, notApplied, percent, percentInt } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { HttpFaultInjection } from '../types.ts';
import { httpStatus } from './http-redirect.ts';

const GRPC_STATUSES = new Set([
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** The effective percentage: `percentage.value`, else the deprecated integer `percent`, else 100. */
function effectivePercentage(
  percentage: number | undefined,
  legacy: number | undefined,
  ctx: ValidationContext,
): number {
  if (percentage !== undefined) {
    if (percentage > 0 && percentage < 0.0001) {
      ctx
        .field('percentage')
        .error(ConfigIssueCode.range, `percentage ${percentage} must be 0 or between 0.0001 and 100`);
    }
    return percentage;
  }
  return legacy ?? 100;
}

const delay = message({
  name: 'istio.networking.v1.HTTPFaultInjection.Delay',
  fields: {
    fixedDelay: optional(istioDuration(), { oneof: 'httpDelayType' }),
    exponentialDelay: optional(
      notApplied(istioDuration(), 'exponential delays (Istio does not support them either)'),
      {
        oneof: 'httpDelayType',
      },
    ),
    percentage: optional(percent),
    percent: optional(deprecated(percentInt, 'percentage')),
  },
  oneofs: { httpDelayType: {} },
  build: (v, ctx) => {
    if (v.fixedDelay === undefined) {
      ctx.field('fixedDelay').error(ConfigIssueCode.required, 'a delay fault needs fixedDelay');
      return undefined;
    }
    return { fixedDelayMs: v.fixedDelay, percentage: effectivePercentage(v.percentage, v.percent, ctx) };
  },
});

const abort = message({
  name: 'istio.networking.v1.HTTPFaultInjection.Abort',
  fields: {
    httpStatus: optional(httpStatus, { oneof: 'errorType' }),
    grpcStatus: optional(str, { oneof: 'errorType' }),
    http2Error: optional(str, { oneof: 'errorType' }),
    percentage: optional(percent),
  },
  oneofs: { errorType: {} },
  build: (v, ctx) => {
    if (v.http2Error !== undefined) {
      invalid(
        ctx.field('http2Error'),
        'HTTP/2 error aborts are not supported (by Istio either); use httpStatus or grpcStatus',
      );
    }
    if (v.grpcStatus !== undefined && !GRPC_STATUSES.has(v.grpcStatus)) {
      invalid(
        ctx.field('grpcStatus'),
        `"${v.grpcStatus}" is not a gRPC status name such as "UNAVAILABLE" or "NOT_FOUND"`,
      );
    }
    if (v.httpStatus === undefined && v.grpcStatus === undefined && v.http2Error === undefined) {
      ctx.warn(IstioIssueCode.ineffective, 'abort has no httpStatus or grpcStatus, so it does nothing');
    }
    return {
      httpStatus: v.httpStatus,
      grpcStatus: v.grpcStatus,
      percentage: effectivePercentage(v.percentage, undefined, ctx),
    };
  },
});

export const httpFaultInjection: Schema<HttpFaultInjection> = message({
  name: 'istio.networking.v1.HTTPFaultInjection',
  fields: { delay: optional(delay), abort: optional(abort) },
  build: (v, ctx) => {
    if (v.delay === undefined && v.abort === undefined)
      invalid(ctx, 'fault injection needs an abort and/or a delay');
    return { delay: v.delay, abort: v.abort };
  },
});
