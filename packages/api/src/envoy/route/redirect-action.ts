import { headerValue } from '../core/http-header-text.ts';
import { regexMatchAndSubstitute } from '../core/string-matcher.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { port } from '../schema/numbers.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import type { RedirectAction } from '../types.ts';

const STATUS_BY_CODE = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
} as const;

const responseCode = enumOf('RedirectResponseCode', {
  MOVED_PERMANENTLY: 0,
  FOUND: 1,
  SEE_OTHER: 2,
  TEMPORARY_REDIRECT: 3,
  PERMANENT_REDIRECT: 4,
});

const scheme = { oneof: 'scheme_rewrite_specifier' };
const pathOneof = { oneof: 'path_rewrite_specifier' };

/** envoy.config.route.v3.RedirectAction. */
export const redirectAction = message({
  name: 'envoy.config.route.v3.RedirectAction',
  fields: {
    https_redirect: optional(bool, scheme),
    scheme_redirect: optional(nonEmptyStr, scheme),
    host_redirect: optional(headerValue),
    port_redirect: optional(port, { note: '0 keeps the port' }),
    path_redirect: optional(headerValue, pathOneof),
    prefix_rewrite: optional(headerValue, pathOneof),
    regex_rewrite: optional(regexMatchAndSubstitute, pathOneof),
    response_code: withDefault(responseCode, 'MOVED_PERMANENTLY', { note: '301, 302, 303, 307 or 308' }),
    strip_query: withDefault(bool, false),
  },
  oneofs: { scheme_rewrite_specifier: {}, path_rewrite_specifier: {} },
  build: (v): RedirectAction => ({
    kind: 'redirect',
    schemeRedirect: v.https_redirect === true ? 'https' : v.scheme_redirect,
    hostRedirect: v.host_redirect === '' ? undefined : v.host_redirect,
    portRedirect: v.port_redirect === 0 ? undefined : v.port_redirect,
    pathRewrite: pathRewrite(v),
    responseCode: STATUS_BY_CODE[v.response_code],
    stripQuery: v.strip_query,
  }),
});

function pathRewrite(v: {
  path_redirect: string | undefined;
  prefix_rewrite: string | undefined;
  regex_rewrite: { pattern: string; substitution: string } | undefined;
}): RedirectAction['pathRewrite'] {
  if (v.path_redirect !== undefined) return { kind: 'path', value: v.path_redirect };
  if (v.prefix_rewrite !== undefined) return { kind: 'prefix', value: v.prefix_rewrite };
  if (v.regex_rewrite !== undefined) return { kind: 'regex', ...v.regex_rewrite };
  return undefined;
}
