import { accessLog as accessLogEntry } from '../access-log/access-log.ts';
import {
  DEFAULT_DOWNSTREAM_LIMITS,
  type DownstreamHttpLimits,
  downstreamHttpProtocolOptions,
} from '../core/common-http-protocol-options.ts';
import { DEFAULT_INITIAL_FETCH_TIMEOUT_MS } from '../core/config-source.ts';
import { DEFAULT_HTTP1_OPTIONS, http1ProtocolOptions } from '../core/http1-protocol-options.ts';
import { DEFAULT_HTTP2_OPTIONS, http2ProtocolOptions } from '../core/http2-protocol-options.ts';
import { routeConfiguration } from '../route/route-configuration.ts';
import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { type FieldValues, message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import { boolValue, wrapper } from '../schema/wrappers.ts';
import { hcmTracing } from '../tracing/tracing.ts';
import type { HttpConnectionManager } from '../types.ts';
import { checkHttpFilterChain } from './check-http-filter-chain.ts';
import { hcmUpgradeConfig } from './hcm-upgrade-config.ts';
import { httpFilter } from './http-filter.ts';
import { rds } from './rds.ts';

const route = { oneof: 'route_specifier' };
const accessLogOption = ignored('access logs are written as each request completes, batched');

const setCurrentClientCertDetails = message({
  name: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails',
  fields: {
    subject: withDefault(boolValue, false),
    cert: withDefault(bool, false),
    chain: withDefault(bool, false),
    dns: withDefault(bool, false),
    uri: withDefault(bool, false),
  },
  build: (v) => ({ subject: v.subject, cert: v.cert, chain: v.chain, dns: v.dns, uri: v.uri }),
});

const fields = {
  codec_type: withDefault(
    enumOf('CodecType', { AUTO: 0, HTTP1: 1, HTTP2: 2, HTTP3: 3 }, ['AUTO', 'HTTP1', 'HTTP2']),
    'AUTO',
  ),
  stat_prefix: required(nonEmptyStr),
  rds: optional(rds, { ...route, note: 'route configuration over ADS' }),
  route_config: optional(routeConfiguration, route),
  scoped_routes: unsupported(undefined, route),
  http_filters: repeated(httpFilter, { note: 'must end with the router' }),
  add_user_agent: unsupported(),
  tracing: optional(hcmTracing),
  common_http_protocol_options: withDefault(downstreamHttpProtocolOptions, DEFAULT_DOWNSTREAM_LIMITS),
  http1_safe_max_connection_duration: unsupported(),
  http_protocol_options: withDefault(http1ProtocolOptions, DEFAULT_HTTP1_OPTIONS),
  http2_protocol_options: withDefault(http2ProtocolOptions, DEFAULT_HTTP2_OPTIONS),
  http3_protocol_options: unsupported('HTTP/3 is not available'),
  server_name: withDefault(str, 'envoy'),
  server_header_transformation: withDefault(
    enumOf('ServerHeaderTransformation', { OVERWRITE: 0, APPEND_IF_ABSENT: 1, PASS_THROUGH: 2 }),
    'OVERWRITE',
  ),
  scheme_header_transformation: unsupported(),
  max_request_headers_kb: withDefault(wrapper('UInt32Value', uint32({ min: 1, max: 8192 })), 60),
  stream_idle_timeout: withDefault(duration(), 300_000, { note: '0s disables' }),
  request_timeout: withDefault(duration(), 0, { note: '0s: disabled' }),
  request_headers_timeout: withDefault(duration(), 0, { note: '0s: disabled' }),
  drain_timeout: ignored(
    'Tandem sends one GOAWAY when draining; the proxy-wide --drain-time-s bounds the drain',
  ),
  delayed_close_timeout: withDefault(duration(), 1000, { note: '0s disables' }),
  access_log: repeated(accessLogEntry),
  access_log_flush_interval: accessLogOption,
  flush_access_log_on_new_request: accessLogOption,
  access_log_options: accessLogOption,
  use_remote_address: withDefault(boolValue, false),
  xff_num_trusted_hops: unsupported('trusting X-Forwarded-For hops is not supported yet', { planned: true }),
  original_ip_detection_extensions: unsupported(),
  early_header_mutation_extensions: unsupported(),
  internal_address_config: unsupported(),
  skip_xff_append: withDefault(bool, false),
  via: unsupported(),
  generate_request_id: withDefault(boolValue, true),
  preserve_external_request_id: withDefault(bool, false),
  always_set_request_id_in_response: unsupported(),
  forward_client_cert_details: withDefault(
    enumOf('ForwardClientCertDetails', {
      SANITIZE: 0,
      FORWARD_ONLY: 1,
      APPEND_FORWARD: 2,
      SANITIZE_SET: 3,
      ALWAYS_FORWARD_ONLY: 4,
    }),
    'SANITIZE',
    { note: 'x-forwarded-client-cert on mutual TLS connections' },
  ),
  set_current_client_cert_details: optional(setCurrentClientCertDetails),
  proxy_100_continue: unsupported(),
  represent_ipv4_remote_address_as_ipv4_mapped_ipv6: unsupported(),
  upgrade_configs: repeated(hcmUpgradeConfig),
  normalize_path: withDefault(boolValue, false),
  merge_slashes: withDefault(bool, false),
  path_with_escaped_slashes_action: withDefault(
    enumOf(
      'PathWithEscapedSlashesAction',
      {
        IMPLEMENTATION_SPECIFIC_DEFAULT: 0,
        KEEP_UNCHANGED: 1,
        REJECT_REQUEST: 2,
        UNESCAPE_AND_REDIRECT: 3,
        UNESCAPE_AND_FORWARD: 4,
      },
      ['IMPLEMENTATION_SPECIFIC_DEFAULT', 'KEEP_UNCHANGED'],
    ),
    'IMPLEMENTATION_SPECIFIC_DEFAULT',
    { note: 'escaped slashes are kept as they are' },
  ),
  request_id_extension: unsupported(),
  local_reply_config: unsupported(),
  strip_matching_host_port: unsupported(undefined, { oneof: 'strip_port_mode' }),
  strip_any_host_port: unsupported(undefined, { oneof: 'strip_port_mode' }),
  stream_error_on_invalid_http_message: unsupported(),
  path_normalization_options: unsupported(),
  strip_trailing_host_dot: unsupported(),
  proxy_status_config: unsupported(),
  typed_header_validation_config: unsupported(),
  append_x_forwarded_port: unsupported(),
  append_local_overload: unsupported(),
  add_proxy_protocol_connection_state: unsupported(),
};

/** envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager. */
export const httpConnectionManager = message({
  name: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  fields,
  oneofs: { route_specifier: { required: true }, strip_port_mode: {} },
  build: (v, ctx): HttpConnectionManager | undefined => {
    const httpFilters = checkHttpFilterChain(v.http_filters, ctx.field('http_filters'));
    if (httpFilters === undefined) return undefined;
    return { ...basics(v), ...limits(v.common_http_protocol_options), httpFilters };
  },
});

type Values = FieldValues<typeof fields>;

function basics(v: Values): Omit<HttpConnectionManager, keyof DownstreamHttpLimits | 'httpFilters'> {
  return {
    statPrefix: v.stat_prefix,
    codecType: v.codec_type,
    routeSpecifier:
      v.route_config !== undefined
        ? { kind: 'routeConfig', routeConfig: v.route_config }
        : {
            kind: 'rds',
            routeConfigName: v.rds?.routeConfigName ?? '',
            initialFetchTimeoutMs: v.rds?.initialFetchTimeoutMs ?? DEFAULT_INITIAL_FETCH_TIMEOUT_MS,
          },
    maxRequestHeadersKb: v.max_request_headers_kb,
    requestTimeoutMs: v.request_timeout,
    requestHeadersTimeoutMs: v.request_headers_timeout,
    streamIdleTimeoutMs: v.stream_idle_timeout,
    useRemoteAddress: v.use_remote_address,
    skipXffAppend: v.skip_xff_append,
    generateRequestId: v.generate_request_id,
    preserveExternalRequestId: v.preserve_external_request_id,
    serverName: v.server_name,
    serverHeaderTransformation: v.server_header_transformation,
    upgradeConfigs: v.upgrade_configs,
    normalizePath: v.normalize_path,
    mergeSlashes: v.merge_slashes,
    http1: v.http_protocol_options,
    http2: v.http2_protocol_options,
    delayedCloseTimeoutMs: v.delayed_close_timeout,
    accessLog: v.access_log,
    tracing: v.tracing,
    ...(v.forward_client_cert_details === 'SANITIZE'
      ? {}
      : { forwardClientCertDetails: v.forward_client_cert_details }),
    ...(v.set_current_client_cert_details === undefined
      ? {}
      : { setCurrentClientCertDetails: v.set_current_client_cert_details }),
  };
}

function limits(common: DownstreamHttpLimits): DownstreamHttpLimits {
  return {
    idleTimeoutMs: common.idleTimeoutMs,
    maxConnectionDurationMs: common.maxConnectionDurationMs,
    maxHeadersCount: common.maxHeadersCount,
    maxStreamDurationMs: common.maxStreamDurationMs,
    headersWithUnderscoresAction: common.headersWithUnderscoresAction,
    maxRequestsPerConnection: common.maxRequestsPerConnection,
  };
}
