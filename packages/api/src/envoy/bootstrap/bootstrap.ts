import { ignored, optional, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import type { Bootstrap } from '../types.ts';
import { admin } from './admin.ts';
import { EMPTY_NODE, node } from './node.ts';
import { staticResources } from './static-resources.ts';

const stats = ignored("Tandem's statistics are not configurable");
const noRuntime = ignored('runtime overrides are not available; the config values apply');

/** envoy.config.bootstrap.v3.Bootstrap: what `tandem proxy --config` reads. */
export const bootstrap = message({
  name: 'envoy.config.bootstrap.v3.Bootstrap',
  fields: {
    node: withDefault(node, EMPTY_NODE),
    node_context_params: ignored('only used with xDS, which Tandem does not talk to yet'),
    static_resources: withDefault(staticResources, { listeners: [], clusters: [], secrets: [] }),
    dynamic_resources: unsupported('xDS (ADS) arrives with the control plane', { planned: true }),
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
  build: (v): Bootstrap => ({ node: v.node, admin: v.admin, staticResources: v.static_resources }),
});
