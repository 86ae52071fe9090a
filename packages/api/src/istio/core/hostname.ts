/**
 * Istio's host name rules: DNS-1123 labels, fully qualified names, and names with a wildcard first
 * label (`*`, `*.example.com`, `*-suffix.example.com`). Each check returns the reason a name is invalid,
 * or `undefined` when it is fine.
 */

const LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const MAX_LABEL = 63;
const MAX_NAME = 255;

/** A DNS-1123 label: letters, digits and inner dashes, at most 63 characters. */
export function isDns1123Label(value: string): boolean {
  return value.length <= MAX_LABEL && LABEL.test(value);
}

/** A DNS-1123 label that may start with `*` or `*-`, or be `*` alone. */
export function isWildcardDns1123Label(value: string): boolean {
  return value.length <= MAX_LABEL && WILDCARD_LABEL.test(value);
}

function checkLength(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME)
    return `domain name is too long (${name.length} characters, at most ${MAX_NAME})`;
  return undefined;
}

/** Dot-separated labels; the last may be empty (`istio.io.`) and must not be all digits. */
function checkLabels(domain: string, whole: string): string | undefined {
  const labels = domain.split('.');
  const top = labels[labels.length - 1]!;
  if (/^\d+$/.test(top))
    return `domain name "${whole}" is invalid: its top-level label "${top}" is all digits`;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (i === labels.length - 1 && label === '') return undefined;
    if (!isDns1123Label(label))
      return `domain name "${whole}" is invalid: label "${label}" is not a DNS-1123 label`;
  }
  return undefined;
}

/** A fully qualified (or short) DNS name without wildcards. */
export function checkFqdn(name: string): string | undefined {
  return checkLength(name) ?? checkLabels(name, name);
}

/** A DNS name whose first label may be a wildcard (`*.example.com`, `*`). */
export function checkWildcardDomain(domain: string): string | undefined {
  const tooLong = checkLength(domain);
  if (tooLong !== undefined) return tooLong;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDns1123Label(first)) {
    return `domain name "${domain}" is invalid: label "${first}" is not a DNS-1123 label (a wildcard may only be the first label, as in "*.example.com")`;
  }
  return dot < 0 ? undefined : checkLabels(domain.slice(dot + 1), domain);
}

/** A wildcard anywhere but as a whole first label (`*x`, `a*.b`) is a partial wildcard. */
export function isPartialWildcard(host: string): boolean {
  return host.includes('*') && host !== '*' && !host.startsWith('*.');
}

/**
 * True when `a` and `b` can match a common name: equal, or one is a wildcard covering the other
 * (`*.foo.com` covers `a.foo.com` and `*.a.foo.com`; `*` covers everything).
 */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  return wildcardCovers(a, b) || wildcardCovers(b, a);
}

function wildcardCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*')) return false;
  const suffix = pattern.slice(1);
  const other = host.startsWith('*') ? host.slice(1) : host;
  return other.endsWith(suffix);
}
