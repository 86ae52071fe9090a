/**
 * DestinationRule: policies for a host and its named subsets. Subset names are DNS-1123 labels and unique;
 * subset labels follow Kubernetes label syntax (an empty set selects every endpoint).
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import { checkWildcardDomain } from '../core/hostname.ts';
import { invalid, stringList, workloadSelector } from '../core/istio-fields.ts';
import { labelMap } from '../core/labels.ts';
import type { DestinationRule, Subset } from '../types.ts';
import { checkSubsetName } from './destination.ts';
import { trafficPolicy } from './traffic-policy.ts';

const subset: Schema<Subset> = message({
  name: 'istio.networking.v1.Subset',
  fields: {
    name: required(str),
    labels: withDefault(labelMap(), {}),
    trafficPolicy: optional(trafficPolicy),
  },
  build: (v, ctx) => {
    const reason = checkSubsetName(v.name);
    if (reason !== undefined) invalid(ctx.field('name'), reason);
    return { name: v.name, labels: v.labels, trafficPolicy: v.trafficPolicy };
  },
});

const subsets = listOf(subset, {
  unique: [
    {
      key: (s) => s.name,
      message: (name, first) => `duplicate subset name "${name}" (also subsets[${first}])`,
    },
  ],
});

export const destinationRule: Schema<DestinationRule> = message({
  name: 'istio.networking.v1.DestinationRule',
  fields: {
    host: required(str),
    trafficPolicy: optional(trafficPolicy),
    subsets: withDefault(subsets, []),
    exportTo: withDefault(stringList, []),
    workloadSelector: optional(workloadSelector),
  },
  build: (v, ctx) => {
    const reason = checkWildcardDomain(v.host);
    if (reason !== undefined) invalid(ctx.field('host'), reason);
    return {
      host: v.host,
      trafficPolicy: v.trafficPolicy,
      subsets: v.subsets,
      exportTo: v.exportTo,
      workloadSelector: v.workloadSelector,
    };
  },
});
