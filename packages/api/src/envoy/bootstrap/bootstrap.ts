import { ConfigIssueCode } from '../issue-codes.ts';
import { ignored, optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import type { Bootstrap, DynamicResources, StaticResources } from '../types.ts';
import { admin } from './admin.ts';
import { dynamicResources } from './dynamic-resources.ts';
import { EMPTY_NODE, node } from './node.ts';
import { staticResources } from './static-resources.ts';

const stats = ignored("Tandem's statistics are not configurable");
const noRuntime = ignored('runtime overrides are not available; the config values apply');

/** envoy.config.bootstrap.v3.Bootstrap: what `tandem proxy --config` reads. */
export const bootstrap = message({
  name: 'envoy.config.bootstrap.v3.Bootstrap',
  fields: {
    node: withDefault(node, EMPTY_NODE),
    node_context_params: ignored('xdstp:// names are not available'),
    static_resources: withDefault(staticResources, { listeners: [], clusters: [], secrets: [] }),
    dynamic_resources: optional(dynamicResources, { note: 'unset: static resources only' }),
    cluster_manager: unsupported(),
    hds_config: unsupported(),
    flags_path: ignored('there are no flag files'),
    stats_sinks: stats,
    deferred_stat_options: stats,
    stats_config: stats,
    stats_flush_interval: stats,
    stats_flush_on_admin: stats,
    watchdog: ignored('there is no watchdog', { deprecated: true }),
    watchdogs: ignored('there is no watchdog'),
    tracing: ignored('tracing is not implemented yet', { deprecated: true }),
    layered_runtime: noRuntime,
    admin: optional(admin, { note: 'unset: no admin listener' }),
    overload_manager: ignored('there is no overload manager'),
    enable_dispatcher_stats: stats,
    header_prefix: unsupported('the x-envoy- header prefix is fixed'),
    stats_server_version_override: stats,
    use_tcp_for_dns_lookups: unsupported('the system resolver is used', { deprecated: true }),
    dns_resolution_config: unsupported('the system resolver is used'),
    typed_dns_resolver_config: unsupported('the system resolver is used'),
    bootstrap_extensions: unsupported(),
    fatal_actions: ignored('there are no fatal actions'),
    config_sources: unsupported(),
    default_config_source: unsupported(),
    default_socket_interface: unsupported(),
    certificate_provider_instances: unsupported(),
    inline_headers: ignored('header storage is not configurable'),
    perf_tracing_file_path: ignored('there is no perf tracing'),
    default_regex_engine: unsupported('RE2 syntax is the only regex dialect'),
    xds_delegate_extension: unsupported(),
    xds_config_tracker_extension: unsupported(),
    listener_manager: unsupported(),
    application_log_config: ignored('Tandem logs in its own format'),
    grpc_async_client_manager_config: ignored('there is no gRPC client cache to tune'),
    memory_allocator_manager: ignored('memory is managed by Node'),
  },
  build: (v, ctx): Bootstrap | undefined => {
    const dynamic = v.dynamic_resources;
    if (dynamic !== undefined && !checkAdsCluster(dynamic, v.static_resources, ctx)) return undefined;
    return {
      node: v.node,
      admin: v.admin,
      staticResources: v.static_resources,
      ...(dynamic === undefined ? {} : { dynamicResources: dynamic }),
    };
  },
});

/** The ADS server is a static cluster (it cannot come over ADS itself) that speaks HTTP/2 (gRPC). */
function checkAdsCluster(
  dynamic: DynamicResources,
  statics: StaticResources,
  ctx: ValidationContext,
): boolean {
  const name = dynamic.ads?.clusterName;
  const cluster = statics.clusters.find((c) => c.name === name);
  if (cluster === undefined) return true; // reported as an unknown cluster reference
  const at = ctx.field('dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name');
  if (cluster.type === 'EDS') {
    at.error(
      ConfigIssueCode.invalid,
      `cluster "${name}" is an EDS cluster; the ADS server needs static endpoints`,
    );
    return false;
  }
  if (cluster.transportSocket !== undefined) {
    at.error(
      ConfigIssueCode.unsupported,
      `cluster "${name}" uses TLS; TLS to the ADS server is not supported yet`,
    );
    return false;
  }
  if (cluster.protocol !== 'http2') {
    const how = 'set typed_extension_protocol_options with explicit_http_config.http2_protocol_options';
    at.error(ConfigIssueCode.invalid, `cluster "${name}" must speak HTTP/2 for gRPC (${how})`);
    return false;
  }
  return true;
}
