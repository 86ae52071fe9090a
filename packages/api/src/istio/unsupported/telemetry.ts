/** Checks for telemetry.istio.io Telemetry (not applied by Tandem yet). */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid } from '../core/istio-fields.ts';
import {
  type Json,
  listField,
  nonEmptyString,
  objectField,
  stringField,
  workloadSelectorField,
} from './raw-checks.ts';

function checkProviders(section: Json, ctx: ValidationContext): void {
  for (const [provider, at] of listField(section, 'providers', ctx))
    nonEmptyString(provider, 'name', at, 'provider name');
}

function checkOverride(override: Json, ctx: ValidationContext): void {
  const match = objectField(override, 'match', ctx);
  if (match !== undefined) nonEmptyString(match, 'customMetric', ctx.field('match'), 'customMetric');
  const tags = objectField(override, 'tagOverrides', ctx);
  for (const [name, value] of Object.entries(tags ?? {})) {
    const at = ctx.field('tagOverrides').key(name);
    const tag = objectField({ [name]: value }, name, ctx.field('tagOverrides')) ?? {};
    const operation = stringField(tag, 'operation', at) ?? 'UPSERT';
    const hasValue = typeof tag.value === 'string' && tag.value !== '';
    if (operation === 'UPSERT' && !hasValue)
      invalid(at.field('value'), 'value must be set when operation is UPSERT');
    if (operation === 'REMOVE' && tag.value !== undefined)
      invalid(at.field('value'), 'value must not be set when operation is REMOVE');
  }
}

export function checkTelemetry(spec: Json, ctx: ValidationContext): void {
  workloadSelectorField(spec, ctx);
  for (const [metrics, at] of listField(spec, 'metrics', ctx)) {
    checkProviders(metrics, at);
    for (const [override, oat] of listField(metrics, 'overrides', at)) checkOverride(override, oat);
  }
  for (const [logging, at] of listField(spec, 'accessLogging', ctx)) checkProviders(logging, at);
  for (const [tracing, at] of listField(spec, 'tracing', ctx)) {
    checkProviders(tracing, at);
    const sampling = tracing.randomSamplingPercentage;
    if (sampling !== undefined && (typeof sampling !== 'number' || sampling < 0 || sampling > 100)) {
      at.field('randomSamplingPercentage').error(
        ConfigIssueCode.range,
        'randomSamplingPercentage must be between 0 and 100',
      );
    }
  }
}
