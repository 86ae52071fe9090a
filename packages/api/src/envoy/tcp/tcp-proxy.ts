import { accessLog } from '../access-log/access-log.ts';
import { listOf } from '../schema/collections.ts';
import { duration } from '../schema/duration.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { TcpProxy, WeightedTcpCluster } from '../types.ts';

const clusterWeight = message({
  name: 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight',
  fields: {
    name: required(nonEmptyStr, { note: 'must name a cluster in static_resources.clusters' }),
    weight: required(uint32({ min: 1 })),
    metadata_match: unsupported('subset load balancing is not available'),
  },
  build: (v, ctx): WeightedTcpCluster => {
    ctx.field('name').reference('cluster', v.name, 'tcp_proxy');
    return { name: v.name, weight: v.weight };
  },
});

const weightedCluster = message({
  name: 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster',
  fields: { clusters: required(listOf(clusterWeight, { minItems: 1 })) },
  build: (v) => v.clusters,
});

const specifier = { oneof: 'cluster_specifier' };
const accessLogOption = ignored('a TCP connection is logged when it closes');

/** envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy: the terminal filter for plain TCP. */
export const tcpProxy = message({
  name: 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  fields: {
    stat_prefix: required(nonEmptyStr),
    cluster: optional(nonEmptyStr, {
      ...specifier,
      note: 'must name a cluster in static_resources.clusters',
    }),
    weighted_clusters: optional(weightedCluster, specifier),
    on_demand: unsupported(),
    metadata_match: unsupported('subset load balancing is not available'),
    idle_timeout: withDefault(duration(), 3_600_000, { note: '0s disables' }),
    downstream_idle_timeout: unsupported('use idle_timeout'),
    upstream_idle_timeout: unsupported('use idle_timeout'),
    access_log: repeated(accessLog),
    max_connect_attempts: withDefault(wrapper('UInt32Value', uint32({ min: 1 })), 1),
    hash_policy: unsupported(),
    tunneling_config: unsupported(),
    max_downstream_connection_duration: unsupported(),
    access_log_flush_interval: accessLogOption,
    flush_access_log_on_connected: accessLogOption,
    access_log_options: accessLogOption,
    backoff_options: unsupported(),
    proxy_protocol_tlvs: unsupported(),
  },
  oneofs: { cluster_specifier: { required: true } },
  build: (v, ctx): TcpProxy => {
    if (v.cluster !== undefined) ctx.field('cluster').reference('cluster', v.cluster, 'tcp_proxy');
    return {
      statPrefix: v.stat_prefix,
      clusterSpecifier:
        v.weighted_clusters !== undefined
          ? { kind: 'weightedClusters', clusters: v.weighted_clusters }
          : { kind: 'cluster', cluster: v.cluster ?? '' },
      idleTimeoutMs: v.idle_timeout,
      maxConnectAttempts: v.max_connect_attempts,
      accessLog: v.access_log,
    };
  },
});
