/**
 * StringMatch (`exact` / `prefix` / `regex`, at most one). An empty match `{}` means "no constraint" for
 * URI-like fields and "present" for header and query parameter maps, as Istio translates it.
 */
import { compileRe2 } from '../../envoy/core/re2.ts';
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { optional } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import { describeJson, isPlainObject, type Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import type { StringMatch } from '../types.ts';

const MAX_REGEX_LENGTH = 1024;

/** Reports why `pattern` cannot be an Istio (RE2) regex; returns true when it can. */
export function checkRegex(pattern: string, ctx: ValidationContext): boolean {
  if (pattern === '') {
    ctx.error(ConfigIssueCode.regex, 'regex must not be empty');
    return false;
  }
  if (pattern.length > MAX_REGEX_LENGTH) {
    ctx.error(
      ConfigIssueCode.regex,
      `regex is too long (${pattern.length} characters, at most ${MAX_REGEX_LENGTH})`,
    );
    return false;
  }
  const compiled = compileRe2(pattern);
  if (!compiled.ok) {
    ctx.error(ConfigIssueCode.regex, `invalid RE2 regex ${JSON.stringify(pattern)}: ${compiled.reason}`);
    return false;
  }
  return true;
}

function stringMatch(allowEmptyPrefix: boolean): Schema<StringMatch | undefined> {
  return message({
    name: 'istio.networking.v1.StringMatch',
    fields: {
      exact: optional(str, { oneof: 'matchType' }),
      prefix: optional(str, { oneof: 'matchType' }),
      regex: optional(str, { oneof: 'matchType' }),
    },
    oneofs: { matchType: {} },
    build: (v, ctx): StringMatch | undefined => {
      if (v.exact !== undefined) return { kind: 'exact', value: v.exact };
      if (v.prefix !== undefined) {
        if (v.prefix === '' && !allowEmptyPrefix)
          ctx.field('prefix').error(ConfigIssueCode.range, 'prefix must not be empty');
        return { kind: 'prefix', value: v.prefix };
      }
      if (v.regex !== undefined) {
        checkRegex(v.regex, ctx.field('regex'));
        return { kind: 'regex', value: v.regex };
      }
      return undefined;
    },
  });
}

/** A StringMatch for `uri` (an empty prefix is allowed). */
export const uriMatch = stringMatch(true);

/** A StringMatch for scheme, method, authority and CORS origins (an empty prefix is not). */
export const valueMatch = stringMatch(false);

export type PresenceMatch = StringMatch | { kind: 'present' };

/** A map of header or query parameter names to matches; `{}` (and, for withoutHeaders, `regex: "*"`) means "present". */
export function presenceMatchMap(
  options: { regexStarIsPresent?: boolean } = {},
): Schema<Record<string, PresenceMatch>> {
  return {
    typeName: 'map<string, StringMatch>',
    parse(raw, ctx) {
      if (!isPlainObject(raw)) {
        ctx.error(ConfigIssueCode.type, `expected a map (an object), got ${describeJson(raw)}`);
        return undefined;
      }
      const out: Record<string, PresenceMatch> = {};
      for (const [name, value] of Object.entries(raw)) {
        const star = options.regexStarIsPresent && isPlainObject(value) && value.regex === '*';
        const match = star || value === null ? undefined : valueMatch.parse(value, ctx.key(name));
        out[name] = match ?? { kind: 'present' };
      }
      return out;
    },
  };
}
