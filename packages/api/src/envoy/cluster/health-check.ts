/**
 * envoy.config.core.v3.HealthCheck: active HTTP and TCP health checks of a cluster's hosts, with
 * thresholds, intervals and jitter. gRPC, Redis and custom checks are not available.
 */

import { headerValueOption } from '../core/header-value-option.ts';
import { headerName } from '../core/http-header-text.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf } from '../schema/collections.ts';
import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { int64, uint32 } from '../schema/numbers.ts';
import { bytes, str } from '../schema/scalars.ts';
import { wrapper } from '../schema/wrappers.ts';
import type { HealthCheck } from '../types.ts';

const payload = message({
  name: 'envoy.config.core.v3.HealthCheck.Payload',
  fields: {
    text: optional(str, { oneof: 'payload', note: 'hex-encoded' }),
    binary: optional(bytes, { oneof: 'payload' }),
  },
  oneofs: { payload: { required: true } },
  build: (v, ctx): Uint8Array | undefined => {
    if (v.binary !== undefined) return v.binary;
    const hex = v.text ?? '';
    if (hex === '' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      ctx.field('text').error(ConfigIssueCode.invalid, 'must be non-empty hex (two digits per byte)');
      return undefined;
    }
    return new Uint8Array(Buffer.from(hex, 'hex'));
  },
});

const range = message({
  name: 'envoy.type.v3.Int64Range',
  title: 'HttpHealthCheck.Int64Range',
  fields: { start: withDefault(int64(), 0), end: withDefault(int64(), 0) },
  build: (v, ctx) => {
    if (v.start < 100 || v.end > 600 || v.start >= v.end) {
      ctx.error(ConfigIssueCode.range, 'a status range needs 100 <= start < end <= 600');
      return undefined;
    }
    return { start: v.start, end: v.end };
  },
});

const METHODS = {
  METHOD_UNSPECIFIED: 0,
  GET: 1,
  HEAD: 2,
  POST: 3,
  PUT: 4,
  DELETE: 5,
  CONNECT: 6,
  OPTIONS: 7,
};

const httpHealthCheck = message({
  name: 'envoy.config.core.v3.HealthCheck.HttpHealthCheck',
  fields: {
    host: withDefault(str, '', { defaultText: 'the cluster name' }),
    path: required(str),
    send: unsupported(),
    receive: unsupported(),
    response_buffer_size: unsupported(),
    request_headers_to_add: repeated(headerValueOption),
    request_headers_to_remove: repeated(headerName),
    expected_statuses: withDefault(listOf(range), [], { defaultText: '200 only' }),
    retriable_statuses: unsupported(),
    codec_client_type: withDefault(
      enumOf('CodecClientType', { HTTP1: 0, HTTP2: 1, HTTP3: 2 }, ['HTTP1']),
      'HTTP1',
    ),
    service_name_matcher: unsupported(),
    method: withDefault(enumOf('RequestMethod', METHODS), 'METHOD_UNSPECIFIED', { defaultText: 'GET' }),
  },
  build: (v, ctx): HealthCheck['check'] | undefined => {
    if (v.path === '') {
      ctx.field('path').error(ConfigIssueCode.required, 'an HTTP health check needs a path');
      return undefined;
    }
    return {
      kind: 'http',
      host: v.host,
      path: v.path,
      expectedStatuses: v.expected_statuses.length > 0 ? v.expected_statuses : [{ start: 200, end: 201 }],
      requestHeadersToAdd: v.request_headers_to_add,
      requestHeadersToRemove: v.request_headers_to_remove,
      method: v.method === 'METHOD_UNSPECIFIED' ? 'GET' : v.method,
    };
  },
});

const tcpHealthCheck = message({
  name: 'envoy.config.core.v3.HealthCheck.TcpHealthCheck',
  fields: {
    send: optional(payload, { note: 'unset: connect only' }),
    receive: repeated(payload),
    proxy_protocol_config: unsupported(),
  },
  build: (v): HealthCheck['check'] => ({ kind: 'tcp', send: v.send, receive: v.receive }),
});

const checker = { oneof: 'health_checker' };
const threshold = wrapper('UInt32Value', uint32());

export const healthCheck = message({
  name: 'envoy.config.core.v3.HealthCheck',
  fields: {
    timeout: required(duration({ positive: true })),
    interval: required(duration({ positive: true })),
    initial_jitter: withDefault(duration(), 0),
    interval_jitter: withDefault(duration(), 0),
    interval_jitter_percent: withDefault(uint32(), 0),
    unhealthy_threshold: required(threshold),
    healthy_threshold: required(threshold),
    alt_port: unsupported(),
    reuse_connection: ignored('each check opens its own connection'),
    http_health_check: optional(httpHealthCheck, checker),
    tcp_health_check: optional(tcpHealthCheck, checker),
    grpc_health_check: unsupported('gRPC health checks are not available', checker),
    custom_health_check: unsupported(undefined, checker),
    no_traffic_interval: withDefault(duration({ positive: true }), 60_000),
    no_traffic_healthy_interval: unsupported(),
    unhealthy_interval: optional(duration({ positive: true }), { defaultText: 'interval' }),
    unhealthy_edge_interval: unsupported(),
    healthy_edge_interval: unsupported(),
    event_log_path: ignored('health check events are not logged'),
    event_logger: ignored('health check events are not logged'),
    event_service: unsupported(),
    always_log_health_check_failures: ignored('health check events are not logged'),
    always_log_health_check_success: ignored('health check events are not logged'),
    tls_options: unsupported(),
    transport_socket_match_criteria: unsupported(),
  },
  oneofs: { health_checker: { required: true } },
  build: (v): HealthCheck | undefined => {
    const check = v.http_health_check ?? v.tcp_health_check;
    if (check === undefined) return undefined;
    return {
      timeoutMs: v.timeout,
      intervalMs: v.interval,
      noTrafficIntervalMs: v.no_traffic_interval,
      unhealthyIntervalMs: v.unhealthy_interval ?? v.interval,
      initialJitterMs: v.initial_jitter,
      intervalJitterMs: v.interval_jitter,
      intervalJitterPercent: v.interval_jitter_percent,
      unhealthyThreshold: Math.max(1, v.unhealthy_threshold),
      healthyThreshold: Math.max(1, v.healthy_threshold),
      check,
    };
  },
});
