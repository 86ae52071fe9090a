/**
 * Kubernetes object metadata as the config reader uses it: name (required, a DNS subdomain), namespace
 * (default `default`), labels and annotations. Server-managed fields (uid, resourceVersion, ...) are skipped.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { describeJson, isPlainObject } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { isDns1123Label } from '../core/hostname.ts';
import { labelMap } from '../core/labels.ts';
import type { ObjectMeta } from '../types.ts';

const SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
export const DEFAULT_NAMESPACE = 'default';

function readName(meta: Record<string, unknown>, ctx: ValidationContext): string {
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    ctx
      .field('name')
      .error(
        ConfigIssueCode.required,
        name === undefined
          ? 'missing required field "name"'
          : `expected a non-empty name, got ${describeJson(name)}`,
      );
    return '';
  }
  if (name.length > 253 || !SUBDOMAIN.test(name)) {
    ctx
      .field('name')
      .error(
        ConfigIssueCode.invalid,
        `"${name}" is not a valid object name (lowercase letters, digits, "-" and ".")`,
      );
  }
  return name;
}

function readNamespace(meta: Record<string, unknown>, ctx: ValidationContext, fallback: string): string {
  const namespace = meta.namespace;
  if (namespace === undefined || namespace === null || namespace === '') return fallback;
  if (typeof namespace !== 'string' || !isDns1123Label(namespace)) {
    ctx
      .field('namespace')
      .error(ConfigIssueCode.invalid, `${describeJson(namespace)} is not a valid namespace name`);
    return fallback;
  }
  return namespace;
}

function readAnnotations(meta: Record<string, unknown>, ctx: ValidationContext): Record<string, string> {
  const raw = meta.annotations;
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) {
    ctx
      .field('annotations')
      .error(ConfigIssueCode.type, `expected a map of strings, got ${describeJson(raw)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') out[key] = value;
    else
      ctx
        .field('annotations')
        .key(key)
        .error(ConfigIssueCode.type, `expected a string, got ${describeJson(value)} (quote it in YAML)`);
  }
  return out;
}

/** Reads `metadata` at `ctx` (the `metadata` field context). */
export function readObjectMeta(
  raw: unknown,
  ctx: ValidationContext,
  source: string,
  defaultNamespace = DEFAULT_NAMESPACE,
): ObjectMeta {
  if (!isPlainObject(raw)) {
    ctx.error(
      raw === undefined ? ConfigIssueCode.required : ConfigIssueCode.type,
      raw === undefined
        ? 'missing required field "metadata"'
        : `expected an object, got ${describeJson(raw)}`,
    );
    return { name: '', namespace: defaultNamespace, labels: {}, annotations: {}, source };
  }
  const labels = raw.labels == null ? {} : (labelMap().parse(raw.labels, ctx.field('labels')) ?? {});
  return {
    name: readName(raw, ctx),
    namespace: readNamespace(raw, ctx, defaultNamespace),
    labels,
    annotations: readAnnotations(raw, ctx),
    source,
  };
}
