import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { ClusterSpecifier } from '../types.ts';
import { buildHeaderMutations, headerMutationFields } from './header-mutations.ts';

const MAX_UINT32 = 4294967295;

const clusterWeight = message({
  name: 'envoy.config.route.v3.WeightedCluster.ClusterWeight',
  fields: {
    name: required(nonEmptyStr, { note: 'must name a cluster in static_resources.clusters' }),
    cluster_header: unsupported('use RouteAction.cluster_header'),
    weight: withDefault(wrapper('UInt32Value', uint32()), 0),
    metadata_match: unsupported('subset load balancing is not available'),
    ...headerMutationFields,
    typed_per_filter_config: unsupported('per-filter overrides come with the filters that use them', {
      planned: true,
    }),
    host_rewrite_literal: unsupported('use RouteAction.host_rewrite_literal'),
  },
  build: (v, ctx) => {
    ctx.field('name').reference('cluster', v.name, 'weighted cluster');
    return { name: v.name, weight: v.weight, headers: buildHeaderMutations(v) };
  },
});

/** envoy.config.route.v3.WeightedCluster; weights are relative, their sum must be positive. */
export const weightedClusters = message({
  name: 'envoy.config.route.v3.WeightedCluster',
  fields: {
    clusters: required(listOf(clusterWeight, { minItems: 1 })),
    total_weight: optional(wrapper('UInt32Value', uint32({ min: 1 })), {
      deprecated: true,
      note: 'if set, must equal the sum of the weights',
    }),
    runtime_key_prefix: unsupported('runtime overrides are not available'),
    header_name: unsupported('header-chosen splits are not available', { oneof: 'random_value_specifier' }),
  },
  build: (v, ctx): ClusterSpecifier | undefined => {
    const sum = v.clusters.reduce((total, cluster) => total + cluster.weight, 0);
    if (sum === 0 || sum > MAX_UINT32) {
      ctx
        .field('clusters')
        .error(ConfigIssueCode.range, `the weights must add up to between 1 and ${MAX_UINT32}, got ${sum}`);
      return undefined;
    }
    if (v.total_weight !== undefined && v.total_weight !== sum) {
      ctx
        .field('total_weight')
        .error(ConfigIssueCode.invalid, `is ${v.total_weight}, but the weights add up to ${sum}`);
      return undefined;
    }
    return { kind: 'weightedClusters', clusters: v.clusters, totalWeight: sum };
  },
});
