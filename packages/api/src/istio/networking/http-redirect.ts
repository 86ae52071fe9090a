/** HTTPRedirect, HTTPRewrite and HTTPDirectResponse: the actions that replace or adjust forwarding. */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { uint32 } from '../../envoy/schema/numbers.ts';
import { bytes, str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { invalid, notApplied, portNumber } from '../core/istio-fields.ts';
import type { HttpRedirect, HttpRewrite } from '../types.ts';
import { checkRegex } from './string-match.ts';

export const httpRedirect: Schema<HttpRedirect> = message({
  name: 'istio.networking.v1.HTTPRedirect',
  fields: {
    uri: withDefault(str, ''),
    authority: withDefault(str, ''),
    port: withDefault(portNumber, 0, { oneof: 'redirectPort' }),
    derivePort: optional(
      notApplied(
        enumOf('RedirectPortSelection', { FROM_PROTOCOL_DEFAULT: 0, FROM_REQUEST_PORT: 1 }),
        'derivePort',
      ),
      { oneof: 'redirectPort' },
    ),
    scheme: withDefault(str, ''),
    redirectCode: withDefault(uint32(), 0),
  },
  oneofs: { redirectPort: {} },
  build: (v, ctx) => {
    if (v.uri === '' && v.authority === '' && v.port === 0 && v.scheme === '') {
      invalid(ctx, 'redirect must set at least one of uri, authority, scheme or port');
    }
    if (v.redirectCode !== 0 && (v.redirectCode < 300 || v.redirectCode > 399)) {
      ctx
        .field('redirectCode')
        .error(ConfigIssueCode.range, `${v.redirectCode} is not a redirect code (3xx)`);
    }
    if (v.scheme !== '' && v.scheme !== 'http' && v.scheme !== 'https') {
      invalid(ctx.field('scheme'), `redirect scheme must be "http" or "https", got "${v.scheme}"`);
    }
    return {
      uri: v.uri,
      authority: v.authority,
      port: v.port,
      scheme: v.scheme,
      redirectCode: v.redirectCode || 301,
    };
  },
});

const regexRewrite = message({
  name: 'istio.networking.v1.RegexRewrite',
  fields: { match: withDefault(str, ''), rewrite: withDefault(str, '') },
  build: (v, ctx) => {
    if (v.match === '' || v.rewrite === '') {
      invalid(ctx, 'uriRegexRewrite needs both match and rewrite');
      return undefined;
    }
    checkRegex(v.match, ctx.field('match'));
    return { match: v.match, rewrite: v.rewrite };
  },
});

export const httpRewrite: Schema<HttpRewrite> = message({
  name: 'istio.networking.v1.HTTPRewrite',
  fields: {
    uri: withDefault(str, ''),
    authority: withDefault(str, ''),
    uriRegexRewrite: optional(regexRewrite),
  },
  build: (v, ctx) => {
    if (v.uri !== '' && v.uriRegexRewrite !== undefined)
      invalid(ctx, 'rewrite may set only one of uri and uriRegexRewrite');
    if (v.uri === '' && v.uriRegexRewrite === undefined && v.authority === '') {
      invalid(ctx, 'rewrite must set at least one of uri, uriRegexRewrite or authority');
    }
    return { uri: v.uri, authority: v.authority, uriRegexRewrite: v.uriRegexRewrite };
  },
});

const MAX_BODY = 1024 * 1024;
const LARGE_BODY = 100 * 1024;

const httpBody = message({
  name: 'istio.networking.v1.HTTPBody',
  fields: { string: optional(str, { oneof: 'specifier' }), bytes: optional(bytes, { oneof: 'specifier' }) },
  oneofs: { specifier: {} },
  build: (v, ctx) => {
    const body = v.string ?? (v.bytes === undefined ? '' : Buffer.from(v.bytes).toString('utf8'));
    const size = Buffer.byteLength(body);
    if (size > MAX_BODY)
      ctx.error(ConfigIssueCode.range, `direct response body is ${size} bytes; it must be under 1MB`);
    else if (size > LARGE_BODY)
      ctx.warn(ConfigIssueCode.range, `direct response body is large (${size} bytes)`);
    return body;
  },
});

/** An HTTP status Istio accepts for aborts and direct responses (200..599). */
export const httpStatus = uint32({ min: 200, max: 599, why: 'an HTTP status' });

export const httpDirectResponse = message({
  name: 'istio.networking.v1.HTTPDirectResponse',
  fields: { status: required(httpStatus), body: optional(httpBody) },
  build: (v) => ({ status: v.status, body: v.body }),
});
