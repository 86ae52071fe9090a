import { headerName, headerValue } from '../core/http-header-text.ts';
import { regexMatchAndSubstitute } from '../core/string-matcher.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { optional, repeated, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { ClusterSpecifier, RouteAction } from '../types.ts';
import { hashPolicy } from './hash-policy.ts';
import { maxStreamDuration } from './max-stream-duration.ts';
import { rateLimit } from './rate-limit.ts';
import { requestMirrorPolicy } from './request-mirror-policy.ts';
import { retryPolicy } from './retry-policy.ts';
import { routeUpgradeConfig } from './upgrade-config.ts';
import { weightedClusters } from './weighted-clusters.ts';

const clusterOneof = { oneof: 'cluster_specifier' };
const hostOneof = { oneof: 'host_rewrite_specifier' };

/** envoy.config.route.v3.RouteAction: forward to a cluster, with rewrites, timeouts and hashing. */
export const routeAction = message({
  name: 'envoy.config.route.v3.RouteAction',
  fields: {
    cluster: optional(nonEmptyStr, {
      ...clusterOneof,
      note: 'must name a cluster in static_resources.clusters',
    }),
    cluster_header: optional(headerName, clusterOneof),
    weighted_clusters: optional(weightedClusters, clusterOneof),
    cluster_specifier_plugin: unsupported(undefined, clusterOneof),
    inline_cluster_specifier_plugin: unsupported(undefined, clusterOneof),
    cluster_not_found_response_code: unsupported('an unknown cluster always gets 503'),
    metadata_match: unsupported('subset load balancing is not available'),
    prefix_rewrite: optional(headerValue),
    regex_rewrite: optional(regexMatchAndSubstitute),
    path_rewrite_policy: unsupported('path template extensions are not available'),
    host_rewrite_literal: optional(headerValue, hostOneof),
    auto_host_rewrite: optional(boolValue, hostOneof),
    host_rewrite_header: optional(headerName, hostOneof),
    host_rewrite_path_regex: unsupported(undefined, hostOneof),
    append_x_forwarded_host: unsupported(),
    timeout: withDefault(duration(), 15_000, { note: '0s disables' }),
    idle_timeout: optional(duration(), { note: "unset: the HCM's stream_idle_timeout; 0s disables" }),
    early_data_policy: unsupported(),
    retry_policy: optional(retryPolicy, { note: "unset: the virtual host's" }),
    retry_policy_typed_config: unsupported(),
    request_mirror_policies: optional(listOf(requestMirrorPolicy), {
      note: "unset: the virtual host's",
    }),
    priority: withDefault(enumOf('RoutingPriority', { DEFAULT: 0, HIGH: 1 }), 'DEFAULT', {
      note: 'selects the circuit breaker thresholds',
    }),
    rate_limits: repeated(rateLimit, { note: 'descriptors for the local rate limit filter' }),
    include_vh_rate_limits: withDefault(boolValue, false),
    hash_policy: repeated(hashPolicy),
    cors: unsupported(),
    max_grpc_timeout: unsupported('use max_stream_duration.grpc_timeout_header_max', { deprecated: true }),
    grpc_timeout_offset: unsupported('use max_stream_duration', { deprecated: true }),
    upgrade_configs: repeated(routeUpgradeConfig),
    internal_redirect_policy: unsupported(),
    internal_redirect_action: unsupported(),
    max_internal_redirects: unsupported(),
    hedge_policy: unsupported('hedged requests are not available'),
    max_stream_duration: optional(maxStreamDuration),
  },
  oneofs: { cluster_specifier: { required: true }, host_rewrite_specifier: {} },
  build: (v, ctx): RouteAction | undefined => {
    if (v.prefix_rewrite !== undefined && v.regex_rewrite !== undefined) {
      ctx.error(ConfigIssueCode.oneof, 'only one of "prefix_rewrite" and "regex_rewrite" may be set');
      return undefined;
    }
    if (v.cluster !== undefined) ctx.field('cluster').reference('cluster', v.cluster, 'route');
    return {
      kind: 'route',
      cluster: clusterSpecifier(v),
      prefixRewrite: v.prefix_rewrite,
      regexRewrite: v.regex_rewrite,
      hostRewrite: hostRewrite(v),
      timeoutMs: v.timeout,
      idleTimeoutMs: v.idle_timeout,
      hashPolicy: v.hash_policy,
      upgradeConfigs: v.upgrade_configs,
      maxStreamDurationMs: v.max_stream_duration?.maxStreamDurationMs,
      grpcTimeoutHeaderMaxMs: v.max_stream_duration?.grpcTimeoutHeaderMaxMs,
      ...(v.retry_policy !== undefined ? { retryPolicy: v.retry_policy } : {}),
      ...(v.request_mirror_policies !== undefined
        ? { requestMirrorPolicies: v.request_mirror_policies }
        : {}),
      ...(v.rate_limits.length > 0 ? { rateLimits: v.rate_limits } : {}),
      ...(v.include_vh_rate_limits ? { includeVhRateLimits: true } : {}),
      ...(v.priority === 'HIGH' ? { priority: v.priority } : {}),
    };
  },
});

function clusterSpecifier(v: {
  cluster: string | undefined;
  cluster_header: string | undefined;
  weighted_clusters: ClusterSpecifier | undefined;
}): ClusterSpecifier {
  if (v.weighted_clusters !== undefined) return v.weighted_clusters;
  if (v.cluster_header !== undefined) return { kind: 'clusterHeader', header: v.cluster_header };
  return { kind: 'cluster', name: v.cluster ?? '' };
}

function hostRewrite(v: {
  host_rewrite_literal: string | undefined;
  auto_host_rewrite: boolean | undefined;
  host_rewrite_header: string | undefined;
}): RouteAction['hostRewrite'] {
  if (v.host_rewrite_literal !== undefined) return { kind: 'literal', value: v.host_rewrite_literal };
  if (v.host_rewrite_header !== undefined) return { kind: 'header', header: v.host_rewrite_header };
  return v.auto_host_rewrite === true ? { kind: 'auto' } : undefined;
}
