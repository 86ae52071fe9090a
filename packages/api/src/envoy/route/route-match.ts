import { regexMatcher } from '../core/string-matcher.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { optional, repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';
import { refine } from '../schema/schema.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { PathMatch, RouteMatch } from '../types.ts';
import { headerMatcher } from './header-matcher.ts';
import { queryParameterMatcher } from './query-parameter-matcher.ts';

const oneof = 'path_specifier';

/** Envoy: no `?` or `#`, and no trailing `/` (the segment boundary is implied). */
const separatedPrefix = refine(str, (value, ctx) => {
  if (!/^[^?#]+[^?#/]$/.test(value)) {
    ctx.error(ConfigIssueCode.invalid, 'must not be empty, contain "?" or "#", or end with "/"');
  }
});

export const routeMatch = message({
  name: 'envoy.config.route.v3.RouteMatch',
  fields: {
    prefix: optional(str, { oneof }),
    path: optional(str, { oneof }),
    safe_regex: optional(regexMatcher, { oneof, note: 'must match the whole path (query excluded)' }),
    connect_matcher: unsupported('CONNECT requests are not routed', { oneof }),
    path_separated_prefix: optional(separatedPrefix, { oneof }),
    path_match_policy: unsupported('path template extensions are not available', { oneof }),
    case_sensitive: withDefault(boolValue, true),
    runtime_fraction: unsupported('runtime-fraction matching comes with traffic management', {
      planned: true,
    }),
    headers: repeated(headerMatcher),
    query_parameters: repeated(queryParameterMatcher),
    grpc: optional(emptyMessage('envoy.config.route.v3.RouteMatch.GrpcRouteMatchOptions')),
    tls_context: unsupported(),
    dynamic_metadata: unsupported(),
    filter_state: unsupported(),
  },
  oneofs: { [oneof]: { required: true } },
  build: (v): RouteMatch => ({
    path: pathMatch(v),
    caseSensitive: v.case_sensitive,
    headers: v.headers,
    queryParameters: v.query_parameters,
    grpc: v.grpc === true,
  }),
});

interface PathFields {
  readonly prefix: string | undefined;
  readonly path: string | undefined;
  readonly safe_regex: string | undefined;
  readonly path_separated_prefix: string | undefined;
}

function pathMatch(v: PathFields): PathMatch {
  if (v.path !== undefined) return { kind: 'path', value: v.path };
  if (v.safe_regex !== undefined) return { kind: 'safeRegex', regex: v.safe_regex };
  if (v.path_separated_prefix !== undefined)
    return { kind: 'pathSeparatedPrefix', value: v.path_separated_prefix };
  return { kind: 'prefix', value: v.prefix ?? '' };
}
