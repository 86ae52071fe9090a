import { stringMatcher } from '../core/string-matcher.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { optional, required } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, stringOf } from '../schema/scalars.ts';
import type { QueryParameterMatcher } from '../types.ts';

/** envoy.config.route.v3.QueryParameterMatcher; with no specifier the parameter only has to be present. */
export const queryParameterMatcher = message({
  name: 'envoy.config.route.v3.QueryParameterMatcher',
  fields: {
    name: required(stringOf({ minLength: 1, maxLength: 1024 })),
    string_match: optional(stringMatcher, { oneof: 'query_parameter_match_specifier' }),
    present_match: optional(bool, {
      oneof: 'query_parameter_match_specifier',
      note: 'only true is supported',
    }),
  },
  oneofs: { query_parameter_match_specifier: {} },
  build: (v, ctx): QueryParameterMatcher | undefined => {
    if (v.present_match === false) {
      ctx
        .field('present_match')
        .error(ConfigIssueCode.unsupported, 'present_match: false is not supported by Tandem; only true is');
      return undefined;
    }
    if (v.string_match !== undefined)
      return { name: v.name, spec: { kind: 'string', matcher: v.string_match } };
    return { name: v.name, spec: { kind: 'present' } };
  },
});
