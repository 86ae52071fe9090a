/**
 * Field schemas shared by the Istio kinds: ports, percentages, selectors, string lists, and `notApplied`
 * for valid Istio fields Tandem does not implement yet (checked, then dropped with a warning).
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { listOf } from '../../envoy/schema/collections.ts';
import { optional } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { double, uint32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { labelMap } from './labels.ts';

/** A port number, 1..65535. */
export const portNumber: Schema<number> = uint32({ min: 1, max: 65535, why: 'a port number' });

/** A list of strings. */
export const stringList: Schema<string[]> = listOf(str);

/**
 * A field that Istio defines and Tandem does not implement yet: its value is checked with `schema`, then
 * dropped with a `TANDEM_WARN_ISTIO_UNSUPPORTED_FIELD` warning saying what is not applied.
 */
export function notApplied<T>(schema: Schema<T>, note: string): Schema<undefined> {
  return {
    typeName: schema.typeName,
    detail: 'not applied by Tandem yet',
    parse(raw, ctx) {
      const before = ctx.errorCount;
      schema.parse(raw, ctx);
      if (ctx.errorCount === before) {
        ctx.warn(IstioIssueCode.unsupportedField, `not supported by Tandem yet and ignored: ${note}`);
      }
      return undefined;
    },
  };
}

/** A deprecated field: parsed with `schema`, with a warning naming its replacement. */
export function deprecated<T>(schema: Schema<T>, replacement: string): Schema<T> {
  return {
    ...schema,
    parse(raw, ctx) {
      const value = schema.parse(raw, ctx);
      ctx.warn(IstioIssueCode.deprecated, `deprecated; use ${replacement} instead`);
      return value;
    },
  };
}

/** istio Percent: `{value: 0..100}` (a double). */
export const percent: Schema<number> = message({
  name: 'istio.networking.v1.Percent',
  fields: { value: optional(double({ min: 0, max: 100, why: 'a percentage' })) },
  build: (v) => v.value ?? 0,
});

/** A percentage field as a bare number 0..100 (int32 in the deprecated forms). */
export const percentInt: Schema<number> = uint32({ max: 100, why: 'a percentage' });

/** type.v1beta1.WorkloadSelector (`matchLabels`), used by security policies, DestinationRule, ProxyConfig. */
export const workloadSelector: Schema<Record<string, string>> = message({
  name: 'istio.type.v1beta1.WorkloadSelector',
  fields: { matchLabels: optional(labelMap({ noWildcards: true })) },
  build: (v, ctx) => {
    const labels = v.matchLabels ?? {};
    if (Object.keys(labels).length === 0) {
      ctx.warn(
        IstioIssueCode.ineffective,
        'workload selector without labels selects every workload in the namespace',
      );
    }
    return labels;
  },
});

/** networking WorkloadSelector (`labels`), used by Sidecar, ServiceEntry. */
export const networkingWorkloadSelector: Schema<Record<string, string>> = message({
  name: 'istio.networking.v1.WorkloadSelector',
  fields: { labels: optional(labelMap({ noWildcards: true })) },
  build: (v, ctx) => {
    const labels = v.labels ?? {};
    if (Object.keys(labels).length === 0) {
      ctx.warn(
        IstioIssueCode.ineffective,
        'workload selector without labels selects every workload in the namespace',
      );
    }
    return labels;
  },
});

/** An error at `ctx` with the generic invalid-value code. */
export function invalid(ctx: { error(code: string, message: string): void }, reason: string): void {
  ctx.error(ConfigIssueCode.invalid, reason);
}
