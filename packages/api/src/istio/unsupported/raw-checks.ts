/**
 * Checks on raw JSON for kinds Tandem does not apply: enough of Istio's rules that an invalid object is
 * still reported as invalid, without modelling every field.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { describeJson, isPlainObject } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkLabelKey, checkLabelValue } from '../core/labels.ts';

export type Json = Record<string, unknown>;

/** `raw[key]` as an object, or `undefined` (reporting a value of another type). */
export function objectField(raw: Json, key: string, ctx: ValidationContext): Json | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (isPlainObject(value)) return value;
  ctx.field(key).error(ConfigIssueCode.type, `expected an object, got ${describeJson(value)}`);
  return undefined;
}

/** `raw[key]` as a list of objects (non-objects reported), or `[]`. */
export function listField(raw: Json, key: string, ctx: ValidationContext): [Json, ValidationContext][] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    ctx.field(key).error(ConfigIssueCode.type, `expected a list, got ${describeJson(value)}`);
    return [];
  }
  const out: [Json, ValidationContext][] = [];
  value.forEach((item, i) => {
    const at = ctx.field(key).item(i);
    if (isPlainObject(item)) out.push([item, at]);
    else at.error(ConfigIssueCode.type, `expected an object, got ${describeJson(item)}`);
  });
  return out;
}

/** `raw[key]` as a string: `undefined` when absent; `null` and other types are reported. */
export function stringField(raw: Json, key: string, ctx: ValidationContext): string | undefined {
  if (!(key in raw)) return undefined;
  const value = raw[key];
  if (typeof value === 'string') return value;
  ctx.field(key).error(ConfigIssueCode.type, `expected a string, got ${describeJson(value)}`);
  return undefined;
}

/** Reports an empty string at `raw[key]` (when present). */
export function nonEmptyString(
  raw: Json,
  key: string,
  ctx: ValidationContext,
  what = key,
): string | undefined {
  const value = stringField(raw, key, ctx);
  if (value === '') ctx.field(key).error(ConfigIssueCode.range, `${what} must not be empty`);
  return value;
}

/** A port number at `raw[key]`: required or optional, 1..65535. */
export function portField(raw: Json, key: string, ctx: ValidationContext, required: boolean): void {
  const value = raw[key];
  const at = ctx.field(key);
  if (value === undefined || value === null) {
    if (required) at.error(ConfigIssueCode.required, `missing required field "${key}"`);
  } else if (typeof value !== 'number' || !Number.isInteger(value)) {
    at.error(ConfigIssueCode.type, `expected a port number, got ${describeJson(value)}`);
  } else if (value < 1 || value > 65535) {
    at.error(ConfigIssueCode.range, `port must be between 1 and 65535, got ${value}`);
  }
}

/** A label selector map at `raw[key]`: valid keys and values, no wildcards, no empty keys. */
export function selectorLabels(raw: Json, key: string, ctx: ValidationContext): void {
  const labels = objectField(raw, key, ctx);
  for (const [name, value] of Object.entries(labels ?? {})) {
    const at = ctx.field(key).key(name);
    if (name === '') at.error(ConfigIssueCode.invalid, 'label key must not be empty');
    else if (name.includes('*'))
      at.error(ConfigIssueCode.invalid, `wildcard "*" is not allowed in a label key ("${name}")`);
    else if (typeof value === 'string' && value.includes('*'))
      at.error(ConfigIssueCode.invalid, `wildcard "*" is not allowed in a label value ("${value}")`);
    else if (typeof value !== 'string')
      at.error(ConfigIssueCode.type, `expected a string label value, got ${describeJson(value)}`);
    else {
      const reason = checkLabelKey(name) ?? checkLabelValue(value);
      if (reason !== undefined) at.error(ConfigIssueCode.invalid, reason);
    }
  }
}

/** A `selector: {matchLabels}` at `raw.selector`. */
export function workloadSelectorField(
  raw: Json,
  ctx: ValidationContext,
  key = 'selector',
  labelsKey = 'matchLabels',
): void {
  const selector = objectField(raw, key, ctx);
  if (selector !== undefined) selectorLabels(selector, labelsKey, ctx.field(key));
}
