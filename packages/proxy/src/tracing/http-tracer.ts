/**
 * Tracing for one HTTP connection manager, attached at two points the connection manager calls:
 * when a request head is accepted (`onRequest`: extract the caller's context, decide sampling,
 * start a span and propagate its context upstream) and when the exchange completes
 * (`onComplete`: tag and export the span). Unsampled requests cost a few header lookups.
 *
 * Sampling follows Envoy: a decision that arrives with the request (traceparent flags, B3
 * sampled/flags, or the trace mark Envoy puts in a UUID x-request-id) is always honoured;
 * otherwise `client_sampling` applies when the client sent x-client-trace-id, else
 * `random_sampling`, and then `overall_sampling`.
 */
import type { HcmTracing, TracingCustomTag } from '@tandem/api/envoy';
import type { HttpStream } from '../http/http-stream.ts';
import type { WorkloadIdentity } from '../istio/workload-identity.ts';
import type { Counter } from '../stats/stats.ts';
import { SPAN_KIND_CLIENT, SPAN_KIND_SERVER, Span } from './span.ts';
import type { SpanSink } from './span-exporter.ts';
import { extractTraceContext, injectTraceContext, type TraceContext } from './trace-context.ts';
import type { TraceCorrelation } from './trace-correlation.ts';
import { newSpanId, newTraceId } from './trace-ids.ts';

export interface HttpTracerOptions {
  inbound: boolean;
  /** FORMAT_* bits the provider writes (W3C for OpenTelemetry, B3 multi for Zipkin). */
  formats: number;
  exporter: SpanSink | undefined;
  correlation: TraceCorrelation;
  identity: WorkloadIdentity;
  nodeId: string;
  zone: string;
  /** Envoy's `http.<stat_prefix>.tracing.*` counters. */
  stats: { randomSampling: Counter; serviceForced: Counter; notTraceable: Counter };
}

/** Envoy marks a sampled request in its UUID x-request-id: character 14 becomes '9'. */
const UUID_TRACE_POS = 14;

export class HttpTracer {
  private readonly config: HcmTracing;
  private readonly o: HttpTracerOptions;
  /** Tags with the same value on every span of this tracer. */
  private readonly fixedTags: readonly string[];
  private readonly headerTags: TracingCustomTag[];

  constructor(config: HcmTracing, options: HttpTracerOptions) {
    this.config = config;
    this.o = options;
    const id = options.identity;
    const fixed = [
      'node_id',
      options.nodeId,
      'zone',
      options.zone,
      'component',
      'proxy',
      'istio.canonical_service',
      id.app,
      'istio.canonical_revision',
      id.version,
      'istio.namespace',
      id.namespace,
      'istio.mesh_id',
      id.meshId,
    ];
    for (const t of config.customTags) if (t.kind === 'literal') fixed.push(t.tag, t.value);
    this.fixedTags = Object.freeze(fixed);
    this.headerTags = config.customTags.filter((t) => t.kind === 'header');
  }

  onRequest(stream: HttpStream): void {
    const h = stream.head.headers;
    const requestId = h.get('x-request-id');
    let ctx = extractTraceContext(h);
    if (ctx === undefined && !this.o.inbound) ctx = this.correlated(requestId);
    if (!this.sample(ctx, requestId, h.has('x-client-trace-id'))) return;
    const traceId = ctx !== undefined && ctx.traceId !== '' ? ctx.traceId : newTraceId();
    const parentId = ctx?.spanId ?? '';
    const kind = this.o.inbound ? SPAN_KIND_SERVER : SPAN_KIND_CLIENT;
    const span = new Span(traceId, newSpanId(), parentId, kind, ctx?.tracestate ?? '', stream.startWallMs);
    stream.span = span;
    stream.traceId = traceId;
    const formats = this.o.formats | (ctx?.format ?? 0);
    injectTraceContext(h, formats, traceId, span.spanId, parentId, span.tracestate, ctx?.traceIdLength ?? 32);
    if (requestId !== undefined && requestId.length === 36 && requestId[UUID_TRACE_POS] !== '9') {
      h.set('x-request-id', `${requestId.slice(0, UUID_TRACE_POS)}9${requestId.slice(UUID_TRACE_POS + 1)}`);
    }
    if (this.o.inbound) this.o.correlation.remember(h.get('x-request-id'), span);
  }

  onComplete(stream: HttpStream, durationMs: number): void {
    const span = stream.span as Span | undefined;
    if (span === undefined) return;
    const head = stream.head;
    const h = head.headers;
    const requestId = h.get('x-request-id');
    if (this.o.inbound) this.o.correlation.forget(requestId, span);
    span.durationMs = durationMs;
    const q = head.path.indexOf('?');
    span.name = `${head.authority}${q < 0 ? head.path : head.path.slice(0, q)}`;
    const status = stream.responseStatus;
    span.fixedTags = this.fixedTags;
    span.error = status >= 500 || status === 0 || stream.grpcStatus > 0;
    const url = `${head.scheme}://${head.authority}${head.path}`;
    span.tag('guid:x-request-id', requestId ?? '');
    span.tag(
      'http.url',
      url.length > this.config.maxPathTagLength ? url.slice(0, this.config.maxPathTagLength) : url,
    );
    span.tag('http.method', head.method);
    span.tag('downstream_cluster', h.get('x-envoy-downstream-service-cluster') ?? '-');
    span.tag('user_agent', h.get('user-agent') ?? '-');
    span.tag('http.protocol', head.protocol);
    span.tag('peer.address', stream.conn.remoteAddress);
    span.tag('request_size', String(stream.requestBodyBytes));
    span.tag('response_size', String(stream.responseBodyBytes));
    span.tag('http.status_code', String(status));
    span.tag('response_flags', stream.responseFlags === '' ? '-' : stream.responseFlags);
    span.tag('upstream_cluster', stream.upstreamCluster === '' ? '-' : stream.upstreamCluster);
    span.tag('upstream_cluster.name', stream.upstreamCluster === '' ? '-' : stream.upstreamCluster);
    if (stream.grpcStatus >= 0) span.tag('grpc.status_code', String(stream.grpcStatus));
    for (const t of this.headerTags)
      if (t.kind === 'header') span.tag(t.tag, h.get(t.name) ?? t.defaultValue);
    this.o.exporter?.export(span);
  }

  private correlated(requestId: string | undefined): TraceContext | undefined {
    const parent = this.o.correlation.find(requestId);
    if (parent === undefined) return undefined;
    return {
      traceId: parent.traceId,
      spanId: parent.spanId,
      sampled: true,
      tracestate: parent.tracestate,
      format: 0,
      traceIdLength: 32,
    };
  }

  private sample(
    ctx: TraceContext | undefined,
    requestId: string | undefined,
    clientTrace: boolean,
  ): boolean {
    const stats = this.o.stats;
    const forced =
      ctx?.sampled ??
      (requestId !== undefined && requestId.length === 36 && requestId[UUID_TRACE_POS] === '9'
        ? true
        : undefined);
    if (forced !== undefined) {
      (forced ? stats.serviceForced : stats.notTraceable).inc();
      return forced;
    }
    const c = this.config;
    const pct = clientTrace ? c.clientSamplingPercent : c.randomSamplingPercent;
    const sampled =
      (pct >= 100 || Math.random() * 100 < pct) &&
      (c.overallSamplingPercent >= 100 || Math.random() * 100 < c.overallSamplingPercent);
    (sampled ? stats.randomSampling : stats.notTraceable).inc();
    return sampled;
  }
}
