import { headerName } from '../core/http-header-text.ts';
import { regexMatcher, stringMatcher } from '../core/string-matcher.ts';
import { optional, required, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { int64 } from '../schema/numbers.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import type { HeaderMatcher, HeaderMatchSpec, StringMatcher } from '../types.ts';

const int64Range = message({
  name: 'envoy.type.v3.Int64Range',
  note: 'Half-open: start <= value < end.',
  fields: { start: withDefault(int64(), 0), end: withDefault(int64(), 0) },
  build: (v) => ({ start: v.start, end: v.end }),
});

const oneof = 'header_match_specifier';

/**
 * envoy.config.route.v3.HeaderMatcher. The deprecated `*_match` forms become string matchers; with no
 * specifier the header only has to be present, as in Envoy.
 */
export const headerMatcher = message({
  name: 'envoy.config.route.v3.HeaderMatcher',
  fields: {
    name: required(headerName, { note: 'lower-cased; use :authority for Host' }),
    exact_match: optional(str, { oneof, deprecated: true }),
    safe_regex_match: optional(regexMatcher, { oneof, deprecated: true }),
    range_match: optional(int64Range, { oneof }),
    present_match: optional(bool, { oneof, note: 'false matches when the header is absent' }),
    prefix_match: optional(nonEmptyStr, { oneof, deprecated: true }),
    suffix_match: optional(nonEmptyStr, { oneof, deprecated: true }),
    contains_match: optional(nonEmptyStr, { oneof, deprecated: true }),
    string_match: optional(stringMatcher, { oneof }),
    invert_match: withDefault(bool, false),
    treat_missing_header_as_empty: withDefault(bool, false),
  },
  oneofs: { [oneof]: {} },
  build: (v): HeaderMatcher => ({
    name: v.name,
    spec: matchSpec(v),
    invertMatch: v.invert_match,
    treatMissingHeaderAsEmpty: v.treat_missing_header_as_empty,
  }),
});

interface SpecFields {
  readonly exact_match: string | undefined;
  readonly safe_regex_match: string | undefined;
  readonly range_match: { start: number; end: number } | undefined;
  readonly present_match: boolean | undefined;
  readonly prefix_match: string | undefined;
  readonly suffix_match: string | undefined;
  readonly contains_match: string | undefined;
  readonly string_match: StringMatcher | undefined;
}

function matchSpec(v: SpecFields): HeaderMatchSpec {
  const text = (matcher: StringMatcher): HeaderMatchSpec => ({ kind: 'string', matcher });
  if (v.string_match !== undefined) return text(v.string_match);
  if (v.exact_match !== undefined) return text({ kind: 'exact', value: v.exact_match, ignoreCase: false });
  if (v.prefix_match !== undefined) return text({ kind: 'prefix', value: v.prefix_match, ignoreCase: false });
  if (v.suffix_match !== undefined) return text({ kind: 'suffix', value: v.suffix_match, ignoreCase: false });
  if (v.contains_match !== undefined)
    return text({ kind: 'contains', value: v.contains_match, ignoreCase: false });
  if (v.safe_regex_match !== undefined)
    return text({ kind: 'safeRegex', regex: v.safe_regex_match, ignoreCase: false });
  if (v.range_match !== undefined) return { kind: 'range', ...v.range_match };
  return { kind: 'present', present: v.present_match ?? true };
}
