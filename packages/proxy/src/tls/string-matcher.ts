import type { StringMatcher } from '@tandem/api/envoy';

/**
 * Compiles an Envoy StringMatcher into a predicate, once. `ignoreCase` applies to exact, prefix,
 * suffix and contains; like Envoy it has no effect on `safeRegex`, which must match the whole
 * string. Throws a plain Error for an invalid regex; callers add the config field.
 *
 * @example
 * compileStringMatcher({ kind: 'prefix', value: 'spiffe://cluster.local/', ignoreCase: false })('spiffe://cluster.local/ns/a'); // true
 */
export function compileStringMatcher(m: StringMatcher): (value: string) => boolean {
  if (m.kind === 'safeRegex') {
    const re = new RegExp(`^(?:${m.regex})$`);
    return (value) => re.test(value);
  }
  const expected = m.ignoreCase ? m.value.toLowerCase() : m.value;
  const fold = m.ignoreCase ? (value: string) => value.toLowerCase() : (value: string) => value;
  switch (m.kind) {
    case 'exact':
      return (value) => fold(value) === expected;
    case 'prefix':
      return (value) => fold(value).startsWith(expected);
    case 'suffix':
      return (value) => fold(value).endsWith(expected);
    case 'contains':
      return (value) => fold(value).includes(expected);
  }
}
