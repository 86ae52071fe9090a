/** envoy.config.route.v3.RouteAction.RequestMirrorPolicy: shadow a share of requests to a cluster. */
import { ALL, runtimeFractionalPercent } from '../core/fractional-percent.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import type { RequestMirrorPolicy } from '../types.ts';

const clusterOneof = { oneof: 'cluster_specifier' };

export const requestMirrorPolicy = message({
  name: 'envoy.config.route.v3.RouteAction.RequestMirrorPolicy',
  fields: {
    cluster: required(nonEmptyStr, { note: 'must name a cluster' }),
    cluster_header: unsupported('mirror to a named cluster', clusterOneof),
    runtime_fraction: optional(runtimeFractionalPercent, { defaultText: 'all requests' }),
    trace_sampled: unsupported('tracing is not implemented yet'),
    disable_shadow_host_suffix_append: withDefault(bool, false),
  },
  build: (v, ctx): RequestMirrorPolicy => {
    ctx.field('cluster').reference('cluster', v.cluster, 'request mirror policy');
    return {
      cluster: v.cluster,
      fraction: v.runtime_fraction ?? ALL,
      disableShadowHostSuffixAppend: v.disable_shadow_host_suffix_append,
    };
  },
});
