/** CorsPolicy: allowed origins (string matches), methods, headers, max age and credentials. */
import { listOf } from '../../envoy/schema/collections.ts';
import { enumOf } from '../../envoy/schema/enum.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { boolValue } from '../../envoy/schema/wrappers.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { deprecated, invalid, notApplied, stringList } from '../core/istio-fields.ts';
import type { CorsPolicy, StringMatch } from '../types.ts';
import { checkHeaderName } from './headers.ts';
import { valueMatch } from './string-match.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);

function checkNames(names: string[], ctx: ValidationContext): void {
  names.forEach((name, i) => {
    const reason = name === '*' ? undefined : checkHeaderName(name);
    if (reason !== undefined) invalid(ctx.item(i), reason);
  });
}

function checkOrigins(origins: (StringMatch | undefined)[], ctx: ValidationContext): StringMatch[] {
  origins.forEach((origin, i) => {
    if (origin === undefined || origin.value === '')
      invalid(ctx.item(i), 'an allowed origin needs a non-empty exact, prefix or regex');
  });
  return origins.filter((o): o is StringMatch => o !== undefined);
}

export const corsPolicy: Schema<CorsPolicy> = message({
  name: 'istio.networking.v1.CorsPolicy',
  fields: {
    allowOrigin: optional(deprecated(stringList, 'allowOrigins')),
    allowOrigins: withDefault(listOf(valueMatch), []),
    allowMethods: withDefault(stringList, []),
    allowHeaders: withDefault(stringList, []),
    exposeHeaders: withDefault(stringList, []),
    maxAge: optional(istioDuration({ secondsPrecision: true })),
    allowCredentials: optional(boolValue),
    unmatchedPreflights: optional(
      notApplied(
        enumOf('UnmatchedPreflights', { UNSPECIFIED: 0, FORWARD: 1, IGNORE: 2 }),
        'unmatchedPreflights',
      ),
    ),
  },
  build: (v, ctx) => {
    const origins = checkOrigins(v.allowOrigins, ctx.field('allowOrigins'));
    for (const legacy of v.allowOrigin ?? []) origins.push({ kind: 'exact', value: legacy });
    v.allowMethods.forEach((method, i) => {
      if (!METHODS.has(method))
        invalid(ctx.field('allowMethods').item(i), `"${method}" is not a supported HTTP method`);
    });
    checkNames(v.allowHeaders, ctx.field('allowHeaders'));
    checkNames(v.exposeHeaders, ctx.field('exposeHeaders'));
    return {
      allowOrigins: origins,
      allowMethods: v.allowMethods,
      allowHeaders: v.allowHeaders,
      exposeHeaders: v.exposeHeaders,
      maxAgeMs: v.maxAge,
      allowCredentials: v.allowCredentials,
    };
  },
});
