/**
 * VirtualService. Tandem applies HTTP and TCP routes for the mesh (sidecars) and for the Gateways the
 * VirtualService binds to; TLS (SNI) routes on gateways only. TLS routes for the mesh and delegation are
 * checked and reported as not supported yet.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { withDefault } from '../../envoy/schema/fields.ts';
import { type FieldValues, message } from '../../envoy/schema/message.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkWildcardDomain, hostsOverlap } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid, stringList } from '../core/istio-fields.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { VirtualService } from '../types.ts';
import { appliesToMesh, gatewayList } from './gateway-names.ts';
import { isJwtClaimRouteKey } from './headers.ts';
import { httpRoute } from './http-route.ts';
import { tcpRoute, tlsRoute } from './l4-route.ts';
import { warnUnreachableRules } from './unreachable-rules.ts';

const fields = {
  hosts: withDefault(stringList, []),
  gateways: withDefault(gatewayList, []),
  http: withDefault(listOf(httpRoute), []),
  tls: withDefault(listOf(tlsRoute), []),
  tcp: withDefault(listOf(tcpRoute), []),
  exportTo: withDefault(stringList, []),
};

type Values = FieldValues<typeof fields>;

function checkHosts(v: Values, mesh: boolean, ctx: ValidationContext): void {
  let allValid = true;
  v.hosts.forEach((host, i) => {
    const reason = checkWildcardDomain(host);
    if (reason !== undefined && !isIpAddress(host)) {
      invalid(ctx.item(i), reason);
      allValid = false;
    } else if (mesh && host === '*') {
      invalid(ctx.item(i), 'host "*" is not allowed for a VirtualService that applies to the mesh');
      allValid = false;
    }
  });
  if (!allValid) return;
  for (let i = 0; i < v.hosts.length; i++) {
    for (let j = i + 1; j < v.hosts.length; j++) {
      if (hostsOverlap(v.hosts[i]!, v.hosts[j]!))
        invalid(ctx.item(j), `duplicate hosts: "${v.hosts[i]}" and "${v.hosts[j]}" overlap`);
    }
  }
}

function checkDelegate(v: Values, ctx: ValidationContext): void {
  ctx
    .field('hosts')
    .warn(
      IstioIssueCode.unsupportedField,
      'a VirtualService without hosts is a delegate; delegation is not supported by Tandem yet',
    );
  if (v.gateways.length > 0)
    invalid(ctx.field('gateways'), 'a delegate VirtualService (no hosts) must not list gateways');
  if (v.tcp.length > 0)
    invalid(ctx.field('tcp'), 'a delegate VirtualService (no hosts) must not have TCP routes');
}

const isEmpty = (value: unknown) =>
  value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/** Checks that need the raw object: some routes are given, and a delegate has no TLS routes. */
function checkRaw(raw: Readonly<Record<string, unknown>>, ctx: ValidationContext): ValidationContext {
  if (isEmpty(raw.http) && isEmpty(raw.tcp) && isEmpty(raw.tls))
    invalid(ctx, 'a VirtualService needs http, tcp or tls routes');
  if (isEmpty(raw.hosts) && !isEmpty(raw.tls))
    invalid(ctx.field('tls'), 'a delegate VirtualService (no hosts) must not have TLS routes');
  return ctx;
}

function checkJwtClaimRoutes(v: Values, ctx: ValidationContext): void {
  v.http.forEach((route, r) => {
    route.match.forEach((match, m) => {
      for (const key of [...Object.keys(match.headers), ...Object.keys(match.withoutHeaders)]) {
        if (isJwtClaimRouteKey(key)) {
          invalid(
            ctx.field('http').item(r).field('match').item(m),
            `JWT claim routing ("${key}") only works on gateways, and this VirtualService applies to the mesh`,
          );
        }
      }
    });
  });
}

export const virtualService: Schema<VirtualService> = message({
  name: 'istio.networking.v1.VirtualService',
  fields,
  enter: checkRaw,
  build: (v, ctx) => {
    const mesh = appliesToMesh(v.gateways);
    if (v.hosts.length === 0) checkDelegate(v, ctx);
    checkHosts(v, mesh, ctx.field('hosts'));
    if (mesh) checkJwtClaimRoutes(v, ctx);
    if (mesh && v.tls.length > 0)
      ctx
        .field('tls')
        .warn(
          IstioIssueCode.unsupportedField,
          'TLS (SNI) routes are applied on gateways only; sidecars do not apply them yet',
        );
    warnUnreachableRules(v.http, ctx.field('http'));
    warnUnreachableRules(v.tcp, ctx.field('tcp'));
    warnUnreachableRules(v.tls, ctx.field('tls'));
    return {
      hosts: v.hosts,
      gateways: v.gateways,
      http: v.http,
      tcp: v.tcp,
      tls: v.tls,
      exportTo: v.exportTo,
    };
  },
});
