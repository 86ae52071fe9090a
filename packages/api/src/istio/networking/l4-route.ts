/** TCPRoute and TLSRoute (SNI routes, applied on gateways), with their L4 match attributes. */
import { listOf } from '../../envoy/schema/collections.ts';
import { required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import { refine, type Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkWildcardDomain, isDns1123Label } from '../core/hostname.ts';
import { checkIpOrCidr, isIpAddress } from '../core/ip.ts';
import { invalid, portNumber, stringList } from '../core/istio-fields.ts';
import { labelMap } from '../core/labels.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { TcpRoute, TlsRoute } from '../types.ts';
import { routeDestinations } from './destination.ts';
import { gatewayList } from './gateway-names.ts';

function checkSubnets(subnets: string[], ctx: ValidationContext): void {
  subnets.forEach((subnet, i) => {
    const reason = checkIpOrCidr(subnet);
    if (reason !== undefined) invalid(ctx.item(i), reason);
  });
}

const subnetList = refine(stringList, checkSubnets);

const l4Fields = {
  destinationSubnets: withDefault(subnetList, []),
  port: withDefault(portNumber, 0),
  sourceLabels: withDefault(labelMap(), {}),
  gateways: withDefault(gatewayList, []),
  sourceNamespace: withDefault(str, ''),
};

function checkSourceNamespace(namespace: string, ctx: ValidationContext): void {
  if (namespace !== '' && !isDns1123Label(namespace))
    invalid(ctx.field('sourceNamespace'), `"${namespace}" is not a valid namespace name`);
}

const l4Match = message({
  name: 'istio.networking.v1.L4MatchAttributes',
  fields: {
    ...l4Fields,
    sourceSubnet: withDefault(
      refine(str, (s, c) => s !== '' && checkSubnets([s], c)),
      '',
    ),
  },
  build: (v, ctx) => {
    checkSourceNamespace(v.sourceNamespace, ctx);
    return {
      port: v.port,
      destinationSubnets: v.destinationSubnets,
      sourceLabels: v.sourceLabels,
      gateways: v.gateways,
    };
  },
});

export const tcpRoute: Schema<TcpRoute> = message({
  name: 'istio.networking.v1.TCPRoute',
  fields: { match: withDefault(listOf(l4Match), []), route: required(routeDestinations) },
  build: (v, ctx) => {
    if (v.route.length === 0) invalid(ctx.field('route'), 'a TCP route needs at least one destination');
    return { match: v.match, route: v.route };
  },
});

function checkSniHosts(hosts: string[], ctx: ValidationContext): void {
  if (hosts.length === 0) invalid(ctx, 'a TLS match needs at least one SNI host');
  hosts.forEach((host, i) => {
    const reason = checkWildcardDomain(host);
    if (reason === undefined) return;
    if (isIpAddress(host))
      ctx
        .item(i)
        .warn(IstioIssueCode.ineffective, `"${host}" is an IP address; most clients send no SNI for IPs`);
    else invalid(ctx.item(i), reason);
  });
}

const tlsMatch = message({
  name: 'istio.networking.v1.TLSMatchAttributes',
  fields: { ...l4Fields, sniHosts: required(refine(stringList, checkSniHosts)) },
  build: (v, ctx) => {
    checkSourceNamespace(v.sourceNamespace, ctx);
    return {
      port: v.port,
      destinationSubnets: v.destinationSubnets,
      sourceLabels: v.sourceLabels,
      gateways: v.gateways,
      sniHosts: v.sniHosts,
    };
  },
});

/** TLSRoute: SNI matches and weighted destinations. */
export const tlsRoute: Schema<TlsRoute> = message({
  name: 'istio.networking.v1.TLSRoute',
  fields: { match: required(listOf(tlsMatch, { minItems: 1 })), route: required(routeDestinations) },
  build: (v, ctx) => {
    if (v.route.length === 0) invalid(ctx.field('route'), 'a TLS route needs at least one destination');
    return { match: v.match, route: v.route };
  },
});
