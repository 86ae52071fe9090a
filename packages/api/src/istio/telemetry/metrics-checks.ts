/** Istio's checks of Telemetry `metrics` (providers and tag overrides). */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { invalid } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import { type Json, listField, nonEmptyString, objectField, stringField } from '../unsupported/raw-checks.ts';

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

/**
 * `metrics`: checked as Istio checks it (provider names, overrides), then reported: Tandem's
 * standard metrics are always on and overrides are not applied.
 */
export const telemetryMetrics: Schema<undefined> = {
  typeName: 'Metrics[]',
  detail: 'checked; not applied (standard metrics are always on)',
  parse(raw, ctx) {
    const before = ctx.errorCount;
    if (!Array.isArray(raw)) {
      ctx.error(ConfigIssueCode.type, 'expected a list');
      return undefined;
    }
    for (const [i, metrics] of raw.entries()) {
      const at = ctx.item(i);
      if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
        at.error(ConfigIssueCode.type, 'expected an object');
        continue;
      }
      checkProviders(metrics as Json, at);
      for (const [override, oat] of listField(metrics as Json, 'overrides', at)) checkOverride(override, oat);
    }
    if (ctx.errorCount === before)
      ctx.warn(
        IstioIssueCode.unsupportedField,
        'not supported by Tandem yet and ignored: metrics overrides (Istio standard metrics are always on, unchanged)',
      );
    return undefined;
  },
};
