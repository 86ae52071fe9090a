/** HTTPMatchRequest: the conditions of one HTTP route match. */
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { bool, str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { isDns1123Label } from '../core/hostname.ts';
import { invalid, notApplied, portNumber } from '../core/istio-fields.ts';
import { labelMap } from '../core/labels.ts';
import type { HttpMatchRequest } from '../types.ts';
import { gatewayList } from './gateway-names.ts';
import { checkHeaderName, isJwtClaimRouteKey } from './headers.ts';
import { presenceMatchMap, uriMatch, valueMatch } from './string-match.ts';

function checkMatchHeaderNames(names: string[], ctx: ValidationContext): void {
  for (const name of names) {
    if (isJwtClaimRouteKey(name)) continue;
    const reason = checkHeaderName(name);
    if (reason !== undefined) invalid(ctx.key(name), reason);
  }
}

export const httpMatchRequest: Schema<HttpMatchRequest> = message({
  name: 'istio.networking.v1.HTTPMatchRequest',
  fields: {
    name: withDefault(str, ''),
    uri: optional(uriMatch),
    scheme: optional(valueMatch),
    method: optional(valueMatch),
    authority: optional(valueMatch),
    headers: withDefault(presenceMatchMap(), {}),
    withoutHeaders: withDefault(presenceMatchMap({ regexStarIsPresent: true }), {}),
    queryParams: withDefault(presenceMatchMap(), {}),
    port: withDefault(portNumber, 0),
    sourceLabels: withDefault(labelMap(), {}),
    sourceNamespace: withDefault(str, ''),
    gateways: withDefault(gatewayList, []),
    ignoreUriCase: withDefault(bool, false),
    statPrefix: optional(notApplied(str, 'per-route stat prefixes')),
  },
  build: (v, ctx) => {
    checkMatchHeaderNames(Object.keys(v.headers), ctx.field('headers'));
    checkMatchHeaderNames(Object.keys(v.withoutHeaders), ctx.field('withoutHeaders'));
    if (v.sourceNamespace !== '' && !isDns1123Label(v.sourceNamespace)) {
      invalid(ctx.field('sourceNamespace'), `"${v.sourceNamespace}" is not a valid namespace name`);
    }
    return {
      name: v.name,
      uri: v.uri,
      scheme: v.scheme,
      method: v.method,
      authority: v.authority,
      headers: v.headers,
      withoutHeaders: v.withoutHeaders,
      queryParams: v.queryParams,
      port: v.port,
      sourceLabels: v.sourceLabels,
      sourceNamespace: v.sourceNamespace,
      gateways: v.gateways,
      ignoreUriCase: v.ignoreUriCase,
    };
  },
});
