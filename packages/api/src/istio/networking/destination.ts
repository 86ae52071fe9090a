/**
 * Destination (`host`, `subset`, `port`) and weighted destination lists. Weights are relative: each must be
 * >= 0 and, with more than one destination, they must not all be 0 (Istio no longer requires a sum of 100).
 */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import { listOf } from '../../envoy/schema/collections.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { int32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import { refine, type Schema } from '../../envoy/schema/schema.ts';
import { checkWildcardDomain, isDns1123Label } from '../core/hostname.ts';
import { invalid, portNumber } from '../core/istio-fields.ts';
import type { Destination, HttpRouteDestination } from '../types.ts';
import { headers } from './headers.ts';

/** PortSelector: `{number}` with 1..65535. */
export const portSelector: Schema<number> = message({
  name: 'istio.networking.v1.PortSelector',
  fields: { number: required(portNumber) },
  build: (v) => v.number,
});

/** Why `name` cannot be a subset name, or `undefined`. */
export function checkSubsetName(name: string): string | undefined {
  if (name === '') return 'subset name must not be empty';
  return isDns1123Label(name) ? undefined : `subset name "${name}" is not a DNS-1123 label`;
}

export const destination: Schema<Destination> = message({
  name: 'istio.networking.v1.Destination',
  fields: {
    host: required(str),
    subset: withDefault(str, ''),
    port: withDefault(portSelector, 0),
  },
  build: (v, ctx) => {
    const reason = v.host === '*' ? 'destination host cannot be "*"' : checkWildcardDomain(v.host);
    if (reason !== undefined) invalid(ctx.field('host'), reason);
    const subsetReason = v.subset === '' ? undefined : checkSubsetName(v.subset);
    if (subsetReason !== undefined) invalid(ctx.field('subset'), subsetReason);
    return { host: v.host, subset: v.subset, port: v.port };
  },
});

const weight = int32({ min: 0, why: 'weights are relative and cannot be negative' });

function checkTotalWeight(
  list: readonly { weight: number }[],
  ctx: Parameters<Schema<unknown>['parse']>[1],
): void {
  if (list.length > 1 && list.every((d) => d.weight === 0)) {
    ctx.error(
      ConfigIssueCode.invalid,
      `with ${list.length} destinations the weights must not all be 0 (total weight is 0)`,
    );
  }
}

const httpRouteDestination: Schema<HttpRouteDestination> = message({
  name: 'istio.networking.v1.HTTPRouteDestination',
  fields: {
    destination: required(destination),
    weight: withDefault(weight, 0),
    headers: optional(headers),
  },
  build: (v) => ({ destination: v.destination, weight: v.weight, headers: v.headers }),
});

/** HTTP route destinations with Istio's weight rule. */
export const httpRouteDestinations: Schema<HttpRouteDestination[]> = refine(
  listOf(httpRouteDestination),
  checkTotalWeight,
);

const routeDestination: Schema<{ destination: Destination; weight: number }> = message({
  name: 'istio.networking.v1.RouteDestination',
  fields: { destination: required(destination), weight: withDefault(weight, 0) },
  build: (v) => ({ destination: v.destination, weight: v.weight }),
});

/** TCP/TLS route destinations with Istio's weight rule. */
export const routeDestinations: Schema<{ destination: Destination; weight: number }[]> = refine(
  listOf(routeDestination),
  checkTotalWeight,
);
