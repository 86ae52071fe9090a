/**
 * HttpConnectionManager.Tracing: sampling percentages, custom tags and the provider
 * (`envoy.tracers.opentelemetry` over OTLP/HTTP, `envoy.tracers.zipkin` with v2 JSON).
 */
import { headerValueOption } from '../core/header-value-option.ts';
import { headerName } from '../core/http-header-text.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { anyOf, TypeRegistry } from '../schema/any.ts';
import { duration } from '../schema/duration.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { double, uint32 } from '../schema/numbers.ts';
import { bool, nonEmptyStr, str } from '../schema/scalars.ts';
import { resolveExtension } from '../schema/typed-extension.ts';
import { boolValue, wrapper } from '../schema/wrappers.ts';
import type { HcmTracing, TracingCustomTag, TracingProvider } from '../types.ts';

const percent = message({
  name: 'envoy.type.v3.Percent',
  fields: { value: withDefault(double({ min: 0, max: 100 }), 0) },
  build: (v) => v.value,
});

const httpUri = message({
  name: 'envoy.config.core.v3.HttpUri',
  fields: {
    uri: required(nonEmptyStr),
    cluster: required(nonEmptyStr, { oneof: 'http_upstream_type' }),
    timeout: withDefault(duration(), 1000),
  },
  build: (v, ctx) => {
    ctx.field('cluster').reference('cluster', v.cluster, 'tracing');
    let url: URL;
    try {
      url = new URL(v.uri);
    } catch {
      ctx.field('uri').error(ConfigIssueCode.invalid, `"${v.uri}" is not an absolute URI`);
      return undefined;
    }
    return {
      cluster: v.cluster,
      authority: url.host,
      path: `${url.pathname}${url.search}`,
      timeoutMs: v.timeout,
    };
  },
});

const httpService = message({
  name: 'envoy.config.core.v3.HttpService',
  fields: {
    http_uri: required(httpUri),
    request_headers_to_add: repeated(headerValueOption),
  },
  build: (v) => ({
    ...v.http_uri,
    headers: v.request_headers_to_add.map((h) => ({ key: h.key, value: h.value })),
  }),
});

const openTelemetry = message({
  name: 'envoy.config.trace.v3.OpenTelemetryConfig',
  fields: {
    grpc_service: unsupported('OTLP over gRPC is not supported; use http_service (OTLP/HTTP)'),
    http_service: required(httpService),
    service_name: withDefault(str, 'unknown_service:envoy'),
    resource_detectors: unsupported(),
    sampler: unsupported('sampling follows the connection manager percentages'),
    max_cache_size: ignored('spans are exported in bounded batches'),
  },
  build: (v): TracingProvider => ({ kind: 'opentelemetry', serviceName: v.service_name, ...v.http_service }),
});

const zipkin = message({
  name: 'envoy.config.trace.v3.ZipkinConfig',
  fields: {
    collector_cluster: required(nonEmptyStr),
    collector_endpoint: required(nonEmptyStr),
    trace_id_128bit: withDefault(bool, false),
    shared_span_context: withDefault(boolValue, true),
    collector_endpoint_version: withDefault(
      enumOf(
        'CollectorEndpointVersion',
        { DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE: 0, HTTP_JSON: 1, HTTP_PROTO: 2, GRPC: 3 },
        ['HTTP_JSON'],
      ),
      'HTTP_JSON',
    ),
    collector_hostname: withDefault(str, ''),
    split_spans_for_request: ignored('Tandem reports one span per request and proxy'),
    trace_context_option: unsupported(),
    collector_service: unsupported('use collector_cluster and collector_endpoint'),
  },
  build: (v, ctx): TracingProvider => {
    ctx.field('collector_cluster').reference('cluster', v.collector_cluster, 'tracing');
    return {
      kind: 'zipkin',
      cluster: v.collector_cluster,
      path: v.collector_endpoint,
      authority: v.collector_hostname || v.collector_cluster,
      traceId128: v.trace_id_128bit,
      sharedSpanContext: v.shared_span_context,
      timeoutMs: 5000,
      headers: [],
    };
  },
});

export const OPENTELEMETRY_TYPE_URL = 'type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig';
export const ZIPKIN_TYPE_URL = 'type.googleapis.com/envoy.config.trace.v3.ZipkinConfig';

export const tracers = new TypeRegistry<TracingProvider>('tracer');
tracers.register(OPENTELEMETRY_TYPE_URL, openTelemetry, { names: ['envoy.tracers.opentelemetry'] });
tracers.register(ZIPKIN_TYPE_URL, zipkin, { names: ['envoy.tracers.zipkin'] });

const provider = message({
  name: 'envoy.config.trace.v3.Tracing.Http',
  fields: { name: required(nonEmptyStr), typed_config: optional(anyOf(tracers)) },
  build: (v, ctx) => resolveExtension(tracers, v.name, v.typed_config, ctx)?.value,
});

const literal = message({
  name: 'envoy.type.tracing.v3.CustomTag.Literal',
  fields: { value: required(str) },
  build: (v) => v.value,
});

const headerTag = message({
  name: 'envoy.type.tracing.v3.CustomTag.Header',
  fields: { name: required(headerName), default_value: withDefault(str, '') },
  build: (v) => ({ name: v.name.toLowerCase(), defaultValue: v.default_value }),
});

const customTag = message({
  name: 'envoy.type.tracing.v3.CustomTag',
  fields: {
    tag: required(nonEmptyStr),
    literal: optional(literal, { oneof: 'type' }),
    request_header: optional(headerTag, { oneof: 'type' }),
    environment: unsupported(undefined, { oneof: 'type' }),
    metadata: unsupported(undefined, { oneof: 'type' }),
    value: unsupported(undefined, { oneof: 'type' }),
  },
  oneofs: { type: { required: true } },
  build: (v): TracingCustomTag =>
    v.literal !== undefined
      ? { tag: v.tag, kind: 'literal', value: v.literal }
      : {
          tag: v.tag,
          kind: 'header',
          name: v.request_header!.name,
          defaultValue: v.request_header!.defaultValue,
        },
});

/** HttpConnectionManager.Tracing. */
export const hcmTracing = message({
  name: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing',
  fields: {
    client_sampling: withDefault(percent, 100),
    random_sampling: withDefault(percent, 100),
    overall_sampling: withDefault(percent, 100),
    verbose: ignored('Tandem records one span per request'),
    max_path_tag_length: withDefault(wrapper('UInt32Value', uint32()), 256),
    custom_tags: repeated(customTag),
    provider: optional(provider),
    spawn_upstream_span: ignored('one span per request and proxy'),
    operation_name: ignored('the span kind follows the listener direction', { deprecated: true }),
  },
  build: (v): HcmTracing => ({
    clientSamplingPercent: v.client_sampling,
    randomSamplingPercent: v.random_sampling,
    overallSamplingPercent: v.overall_sampling,
    maxPathTagLength: v.max_path_tag_length,
    customTags: v.custom_tags,
    provider: v.provider,
  }),
});
