import { stringMatcher } from '../core/string-matcher.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { type MessageSchema, message } from '../schema/message.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';
import { lazy } from './lazy-schema.ts';
import type { MetadataMatcher, ValueMatcher } from './security-types.ts';

const valueRef: Schema<ValueMatcher> = lazy<ValueMatcher>('ValueMatcher', () => valueMatcher);

const listMatcher = message({
  name: 'envoy.type.matcher.v3.ListMatcher',
  fields: { one_of: optional(valueRef, { oneof: 'match_pattern' }) },
  oneofs: { match_pattern: { required: true } },
  build: (v): ValueMatcher | undefined => v.one_of && { kind: 'list', oneOf: v.one_of },
});

const pattern = { oneof: 'match_pattern' };

/** envoy.type.matcher.v3.ValueMatcher: string, presence, bool, or one element of a list. */
export const valueMatcher: MessageSchema<ValueMatcher> = message({
  name: 'envoy.type.matcher.v3.ValueMatcher',
  fields: {
    null_match: unsupported(undefined, pattern),
    double_match: unsupported(undefined, pattern),
    string_match: optional(stringMatcher, pattern),
    bool_match: optional(bool, pattern),
    present_match: optional(bool, pattern),
    list_match: optional(listMatcher, pattern),
    or_match: unsupported(undefined, pattern),
  },
  oneofs: { match_pattern: { required: true } },
  build: (v, ctx): ValueMatcher | undefined => {
    if (v.string_match !== undefined) return { kind: 'string', matcher: v.string_match };
    if (v.bool_match !== undefined) return { kind: 'bool', value: v.bool_match };
    if (v.list_match !== undefined) return v.list_match;
    if (v.present_match === true) return { kind: 'present' };
    ctx.field('present_match').error(ConfigIssueCode.invalid, 'present_match: false never matches');
    return undefined;
  },
});

const pathSegment = message({
  name: 'envoy.type.matcher.v3.MetadataMatcher.PathSegment',
  fields: { key: optional(nonEmptyStr, { oneof: 'segment' }) },
  oneofs: { segment: { required: true } },
  build: (v) => v.key,
});

/** envoy.type.matcher.v3.MetadataMatcher: a value at `path` in one filter's dynamic metadata. */
export const metadataMatcher = message({
  name: 'envoy.type.matcher.v3.MetadataMatcher',
  fields: {
    filter: required(nonEmptyStr),
    path: required(listOf(pathSegment, { minItems: 1 })),
    value: required(valueMatcher),
    invert: withDefault(bool, false),
  },
  build: (v): MetadataMatcher => ({
    filter: v.filter,
    path: v.path.filter((p): p is string => p !== undefined),
    value: v.value,
    invert: v.invert,
  }),
});
