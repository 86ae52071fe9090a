/**
 * telemetry.istio.io Telemetry: which tracing and access logging providers apply to which
 * workloads, and the sampling percentage. Tandem applies `selector`, `tracing[].providers`,
 * `tracing[].randomSamplingPercentage`, `tracing[].disableSpanReporting` and
 * `accessLogging[].providers` / `disabled`; the rest is checked and reported as not applied.
 * Metrics are always on with Istio's standard names, so `metrics` is reported too.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { optional, repeated, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { double } from '../../envoy/schema/numbers.ts';
import { bool, nonEmptyStr, struct } from '../../envoy/schema/scalars.ts';
import { notApplied, workloadSelector } from '../core/istio-fields.ts';
import type { Telemetry } from '../types.ts';
import { telemetryMetrics } from './metrics-checks.ts';

const providerRef = message({
  name: 'istio.telemetry.v1.ProviderRef',
  fields: { name: required(nonEmptyStr) },
  build: (v) => v.name,
});

const tracing = message({
  name: 'istio.telemetry.v1.Tracing',
  fields: {
    providers: repeated(providerRef),
    randomSamplingPercentage: optional(double({ min: 0, max: 100, why: 'a percentage' })),
    disableSpanReporting: optional(bool),
    match: optional(notApplied(struct, 'tracing.match (client/server mode): both sides are traced')),
    customTags: optional(notApplied(struct, 'tracing.customTags')),
    useRequestIdForTraceSampling: optional(notApplied(bool, 'tracing.useRequestIdForTraceSampling')),
    enableIstioTags: optional(notApplied(bool, 'tracing.enableIstioTags: Istio tags are always added')),
  },
  build: (v) => ({
    providers: v.providers,
    randomSamplingPercentage: v.randomSamplingPercentage,
    disableSpanReporting: v.disableSpanReporting,
  }),
});

const accessLogging = message({
  name: 'istio.telemetry.v1.AccessLogging',
  fields: {
    providers: repeated(providerRef),
    disabled: optional(bool),
    match: optional(notApplied(struct, 'accessLogging.match (client/server mode): both sides log')),
    filter: optional(notApplied(struct, 'accessLogging.filter (CEL expressions)')),
  },
  build: (v) => ({ providers: v.providers, disabled: v.disabled }),
});

export const telemetry = message({
  name: 'istio.telemetry.v1.Telemetry',
  fields: {
    selector: optional(workloadSelector),
    targetRef: optional(notApplied(struct, 'targetRef (gateway policy attachment)')),
    targetRefs: optional(notApplied(listOf(struct), 'targetRefs (gateway policy attachment)')),
    tracing: repeated(tracing),
    accessLogging: repeated(accessLogging),
    metrics: optional(telemetryMetrics),
    wasmPlugins: withDefault(listOf(struct), []),
  },
  build: (v): Telemetry => ({
    selector: v.selector,
    tracing: v.tracing,
    accessLogging: v.accessLogging,
  }),
});
