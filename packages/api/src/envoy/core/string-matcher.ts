import { ConfigIssueCode } from '../issue-codes.ts';
import { ignored, optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';
import type { StringMatcher } from '../types.ts';
import { compileRe2 } from './re2.ts';

/** A non-empty RE2 pattern that compiles (see `compileRe2`). */
export const re2Pattern: Schema<string> = {
  typeName: 'string',
  detail: 'RE2 regex',
  parse(raw, ctx) {
    const before = ctx.errorCount;
    const pattern = nonEmptyStr.parse(raw, ctx);
    if (pattern === undefined || ctx.errorCount > before) return undefined;
    const compiled = compileRe2(pattern);
    if (!compiled.ok) {
      ctx.error(
        ConfigIssueCode.regex,
        `invalid regular expression ${JSON.stringify(pattern)}: ${compiled.reason}`,
      );
      return undefined;
    }
    return pattern;
  },
};

const googleRe2 = message({
  name: 'envoy.type.matcher.v3.RegexMatcher.GoogleRE2',
  note: 'Accepted for compatibility; RE2 syntax is the only regex dialect.',
  fields: { max_program_size: ignored('there is no program size limit') },
  build: () => true,
});

/** envoy.type.matcher.v3.RegexMatcher, as the pattern string. */
export const regexMatcher = message({
  name: 'envoy.type.matcher.v3.RegexMatcher',
  fields: {
    google_re2: optional(googleRe2, { deprecated: true, note: 'accepted; has no effect' }),
    regex: required(re2Pattern),
  },
  build: (v) => v.regex,
});

/** envoy.type.matcher.v3.RegexMatchAndSubstitute. */
export const regexMatchAndSubstitute = message({
  name: 'envoy.type.matcher.v3.RegexMatchAndSubstitute',
  fields: {
    pattern: required(regexMatcher),
    substitution: withDefault(str, '', { note: 'capture groups as \\1 ... \\9' }),
  },
  build: (v) => ({ pattern: v.pattern, substitution: v.substitution }),
});

export const stringMatcher = message({
  name: 'envoy.type.matcher.v3.StringMatcher',
  fields: {
    exact: optional(str, { oneof: 'match_pattern' }),
    prefix: optional(nonEmptyStr, { oneof: 'match_pattern' }),
    suffix: optional(nonEmptyStr, { oneof: 'match_pattern' }),
    safe_regex: optional(regexMatcher, { oneof: 'match_pattern' }),
    contains: optional(nonEmptyStr, { oneof: 'match_pattern' }),
    custom: unsupported('custom matcher extensions are not available', { oneof: 'match_pattern' }),
    ignore_case: withDefault(bool, false),
  },
  oneofs: { match_pattern: { required: true } },
  build: (v, ctx): StringMatcher | undefined => {
    const ignoreCase = v.ignore_case;
    if (v.safe_regex !== undefined) {
      if (!ignoreCase) return { kind: 'safeRegex', regex: v.safe_regex, ignoreCase };
      ctx
        .field('ignore_case')
        .error(ConfigIssueCode.invalid, 'has no effect with safe_regex; start the regex with (?i)');
      return undefined;
    }
    if (v.exact !== undefined) return { kind: 'exact', value: v.exact, ignoreCase };
    if (v.prefix !== undefined) return { kind: 'prefix', value: v.prefix, ignoreCase };
    if (v.suffix !== undefined) return { kind: 'suffix', value: v.suffix, ignoreCase };
    if (v.contains !== undefined) return { kind: 'contains', value: v.contains, ignoreCase };
    return undefined;
  },
});
