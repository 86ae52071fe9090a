/**
 * HTTPRoute: matches plus exactly one kind of action (route, redirect or directResponse), and the
 * adjustments that may go with it. The conflicts Istio rejects are checked here.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { type FieldValues, message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { wrapper } from '../../envoy/schema/wrappers.ts';
import { istioDuration } from '../core/istio-duration.ts';
import { deprecated, invalid, percent, percentInt } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { Destination, HttpMirrorPolicy, HttpRoute } from '../types.ts';
import { destination, httpRouteDestinations } from './destination.ts';
import { authorityHeaderValues, headers } from './headers.ts';
import { corsPolicy } from './http-cors.ts';
import { httpFaultInjection } from './http-fault.ts';
import { httpMatchRequest } from './http-match.ts';
import { httpDirectResponse, httpRedirect, httpRewrite } from './http-redirect.ts';
import { httpRetry } from './http-retry.ts';

const mirrorPolicy: Schema<HttpMirrorPolicy> = message({
  name: 'istio.networking.v1.HTTPMirrorPolicy',
  fields: { destination: optional(destination), percentage: optional(percent) },
  build: (v, ctx) => {
    if (v.destination === undefined) {
      invalid(ctx.field('destination'), 'a mirror needs a destination');
      return undefined;
    }
    return { destination: v.destination, percentage: v.percentage ?? 100 };
  },
});

const delegate = message({
  name: 'istio.networking.v1.Delegate',
  fields: { name: withDefault(str, ''), namespace: withDefault(str, '') },
  build: (v) => v,
});

const fields = {
  name: withDefault(str, ''),
  match: withDefault(listOf(httpMatchRequest), []),
  route: optional(httpRouteDestinations),
  redirect: optional(httpRedirect),
  directResponse: optional(httpDirectResponse),
  delegate: optional(delegate),
  rewrite: optional(httpRewrite),
  timeout: optional(istioDuration()),
  retries: optional(httpRetry),
  fault: optional(httpFaultInjection),
  mirror: optional(destination),
  mirrors: optional(listOf(mirrorPolicy)),
  mirrorPercent: optional(deprecated(wrapper('UInt32Value', percentInt), 'mirrorPercentage')),
  mirrorPercentage: optional(percent),
  corsPolicy: optional(corsPolicy),
  headers: optional(headers),
};

type Values = FieldValues<typeof fields>;

/** Reports the action combinations Istio rejects (route with redirect, fault with direct response, ...). */
function checkConflicts(v: Values, ctx: ValidationContext): void {
  if (v.delegate !== undefined) {
    if (v.redirect !== undefined || v.route !== undefined)
      invalid(ctx, 'a route that delegates must not set route or redirect');
    return;
  }
  const hasRoute = (v.route?.length ?? 0) > 0;
  const action =
    v.redirect !== undefined ? 'redirect' : v.directResponse !== undefined ? 'directResponse' : undefined;
  if (action === undefined) {
    if (!hasRoute) invalid(ctx, 'an HTTP route needs route, redirect or directResponse');
  } else {
    if (hasRoute) invalid(ctx, `an HTTP route cannot have both route and ${action}`);
    if (v.fault !== undefined) invalid(ctx, `an HTTP route cannot have both fault and ${action}`);
    if (v.rewrite !== undefined) invalid(ctx, `an HTTP route cannot have both rewrite and ${action}`);
    if (v.redirect !== undefined && v.directResponse !== undefined)
      invalid(ctx, 'an HTTP route cannot have both redirect and directResponse');
  }
  if (v.mirror !== undefined && v.mirrors !== undefined)
    invalid(ctx, 'an HTTP route cannot have both mirror and mirrors');
  const authorities = authorityHeaderValues(v.headers);
  if (authorities.length + (v.rewrite?.authority ? 1 : 0) > 1) {
    invalid(ctx, 'the authority (Host) is set more than once (rewrite.authority and/or headers.request)');
  }
}

function mirrorsOf(v: Values): HttpMirrorPolicy[] {
  if (v.mirrors !== undefined) return v.mirrors;
  if (v.mirror === undefined) return [];
  const mirror: Destination = v.mirror;
  return [{ destination: mirror, percentage: v.mirrorPercentage ?? v.mirrorPercent ?? 100 }];
}

export const httpRoute: Schema<HttpRoute> = message({
  name: 'istio.networking.v1.HTTPRoute',
  fields,
  build: (v, ctx) => {
    checkConflicts(v, ctx);
    if (v.delegate !== undefined) {
      ctx
        .field('delegate')
        .warn(
          IstioIssueCode.unsupportedField,
          'delegation to another VirtualService is not supported by Tandem yet; this route is ignored',
        );
    }
    return {
      name: v.name,
      match: v.match,
      route: v.route ?? [],
      redirect: v.redirect,
      directResponse: v.directResponse,
      rewrite: v.rewrite,
      timeoutMs: v.timeout,
      retries: v.retries,
      fault: v.fault,
      mirrors: mirrorsOf(v),
      corsPolicy: v.corsPolicy,
      headers: v.headers,
    };
  },
});
