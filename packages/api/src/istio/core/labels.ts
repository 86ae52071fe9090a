/**
 * Kubernetes label syntax, which Istio applies to subset labels, selectors and workload labels: keys are
 * `[prefix/]name` (prefix a DNS subdomain, name up to 63 characters of `[A-Za-z0-9_.-]` starting and ending
 * alphanumeric); values are empty or follow the same name rule.
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { describeJson, isPlainObject, type Schema } from '../../envoy/schema/schema.ts';

const NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;

/** Why `key` is not a valid label key, or `undefined`. */
export function checkLabelKey(key: string): string | undefined {
  if (key === '') return 'label key must not be empty';
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? '' : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0 && (!PREFIX.test(prefix) || prefix.length > 253)) {
    return `invalid label key "${key}": the prefix before "/" must be a DNS subdomain`;
  }
  if (!NAME.test(name)) return `invalid label key "${key}"`;
  if (name.length > 63) return `invalid label key "${key}": the name is longer than 63 characters`;
  return undefined;
}

/** Why `value` is not a valid label value, or `undefined`. */
export function checkLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (!NAME.test(value) || value.length > 63) return `invalid label value "${value}"`;
  return undefined;
}

export interface LabelMapOptions {
  /** Report `*` in keys or values (selectors match exact labels only). */
  readonly noWildcards?: boolean;
}

/** A label map (`map<string, string>`) with every key and value checked. */
export function labelMap(options: LabelMapOptions = {}): Schema<Record<string, string>> {
  return {
    typeName: 'map<string, string>',
    detail: 'Kubernetes labels',
    parse(raw, ctx) {
      if (!isPlainObject(raw)) {
        ctx.error(ConfigIssueCode.type, `expected a map of labels, got ${describeJson(raw)}`);
        return undefined;
      }
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(raw)) {
        const at = ctx.key(key);
        if (typeof value !== 'string') {
          at.error(
            ConfigIssueCode.type,
            `expected a string label value, got ${describeJson(value)} (quote it in YAML)`,
          );
          continue;
        }
        if (options.noWildcards && (key.includes('*') || value.includes('*'))) {
          at.error(
            ConfigIssueCode.invalid,
            `wildcard "*" is not allowed in a label selector ("${key}: ${value}")`,
          );
          continue;
        }
        const reason = checkLabelKey(key) ?? checkLabelValue(value);
        if (reason !== undefined) at.error(ConfigIssueCode.invalid, reason);
        out[key] = value;
      }
      return out;
    },
  };
}

/** True when every label in `selector` is present with the same value in `labels`. */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
