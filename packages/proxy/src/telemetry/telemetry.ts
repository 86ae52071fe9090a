/**
 * The proxy's telemetry, built once from the bootstrap and shared by every listener: the local
 * workload's identity, Istio's standard metrics with one reporter per side, and the metadata
 * exchange with peer sidecars. Stages read it through their filter context.
 */
import type { HcmTracing, Listener, NodeInfo, TracingProvider } from '@tandem/api/envoy';
import { AccessLogWriter, type AccessLogWriterOptions } from '../access-log/access-log-writer.ts';
import { IstioHttpReporter } from '../istio/istio-http-reporter.ts';
import { IstioMetrics } from '../istio/istio-metrics.ts';
import type { Reporter } from '../istio/istio-series.ts';
import { IstioTcpReporter } from '../istio/istio-tcp-reporter.ts';
import { PeerExchange } from '../istio/peer-exchange.ts';
import {
  encodePeerMetadata,
  identityFromNode,
  nodeLabels,
  peerStructOf,
  type WorkloadIdentity,
} from '../istio/workload-identity.ts';
import type { StatsScope, StatsStore } from '../stats/stats.ts';
import { ClusterTransport } from '../tracing/cluster-transport.ts';
import { HttpTracer } from '../tracing/http-tracer.ts';
import { encodeOtlpTraces } from '../tracing/otlp-encoder.ts';
import type { Span } from '../tracing/span.ts';
import { SpanExporter, type SpanSink, type TimerApi } from '../tracing/span-exporter.ts';
import { FORMAT_B3_MULTI, FORMAT_W3C } from '../tracing/trace-context.ts';
import { TraceCorrelation } from '../tracing/trace-correlation.ts';
import { encodeZipkinRequest, encodeZipkinSpan } from '../tracing/zipkin-encoder.ts';
import type { ClusterManager } from '../upstream/cluster-manager.ts';

export type TrafficDirection = Listener['trafficDirection'];

export interface TelemetryOptions {
  accessLog?: AccessLogWriterOptions;
  /** Span batching (default 1000 ms) and timers, for tests. */
  traceFlushIntervalMs?: number;
  traceTimers?: TimerApi;
}

export class Telemetry {
  readonly node: NodeInfo;
  readonly identity: WorkloadIdentity;
  readonly istio: IstioMetrics;
  /** Undefined when the node carries no Istio workload metadata (a plain Envoy-style bootstrap). */
  readonly exchange: PeerExchange | undefined;
  private readonly httpReporters: Record<Reporter, IstioHttpReporter>;
  private readonly tcpReporters: Record<Reporter, IstioTcpReporter>;
  private readonly stats: StatsStore;
  private readonly writers = new Map<string, AccessLogWriter>();
  private readonly options: TelemetryOptions;
  private readonly exporters = new Map<string, { exporter: SpanSink; transport: ClusterTransport }>();
  readonly correlation = new TraceCorrelation();

  constructor(node: NodeInfo, stats: StatsStore, options: TelemetryOptions = {}) {
    this.node = node;
    this.stats = stats;
    this.options = options;
    this.identity = identityFromNode(node);
    this.istio = new IstioMetrics(this.identity);
    const md = node.metadata;
    const meshWorkload = md['NAMESPACE'] !== undefined || md['LABELS'] !== undefined;
    this.exchange = meshWorkload
      ? new PeerExchange(node.id, encodePeerMetadata(peerStructOf(this.identity, nodeLabels(node))))
      : undefined;
    this.httpReporters = {
      source: new IstioHttpReporter(this.istio, 'source'),
      destination: new IstioHttpReporter(this.istio, 'destination'),
    };
    this.tcpReporters = {
      source: new IstioTcpReporter(this.istio, 'source'),
      destination: new IstioTcpReporter(this.istio, 'destination'),
    };
  }

  /** The writer of access log file `path`, shared by every logger writing there. */
  accessLogWriter(path: string): AccessLogWriter {
    let w = this.writers.get(path);
    if (w === undefined)
      this.writers.set(path, (w = new AccessLogWriter(path, this.stats, this.options.accessLog)));
    return w;
  }

  /** The tracer of a connection manager with a `tracing` block. */
  httpTracer(
    config: HcmTracing,
    direction: TrafficDirection,
    clusters: ClusterManager,
    stats: StatsScope,
  ): HttpTracer {
    const p = config.provider;
    return new HttpTracer(config, {
      inbound: direction === 'INBOUND',
      formats: p?.kind === 'zipkin' ? FORMAT_B3_MULTI : FORMAT_W3C,
      exporter: p === undefined ? undefined : this.spanExporter(p, clusters),
      correlation: this.correlation,
      identity: this.identity,
      nodeId: this.node.id,
      zone: this.node.locality?.zone ?? '',
      stats: {
        randomSampling: stats.counter('tracing.random_sampling'),
        serviceForced: stats.counter('tracing.service_forced'),
        notTraceable: stats.counter('tracing.not_traceable'),
      },
    });
  }

  /** One exporter per collector, shared by every connection manager reporting to it. */
  spanExporter(p: TracingProvider, clusters: ClusterManager): SpanSink {
    const key = JSON.stringify(p);
    const known = this.exporters.get(key);
    if (known !== undefined) return known.exporter;
    const otlp = p.kind === 'opentelemetry';
    const transport = new ClusterTransport(clusters, p, otlp ? 'application/x-protobuf' : 'application/json');
    const id = this.identity;
    const serviceName = `${id.app}.${id.namespace}`;
    const ip = this.node.id.split('~')[1] ?? '';
    const resource = {
      serviceName:
        p.kind !== 'opentelemetry' || (p.serviceName === 'unknown_service:envoy' && id.app !== 'unknown')
          ? serviceName
          : p.serviceName,
      attributes: [['k8s.namespace.name', id.namespace]] as [string, string][],
    };
    const local = {
      serviceName: this.node.cluster || serviceName,
      ipv4: /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip : '',
    };
    const traceId128 = p.kind === 'zipkin' && p.traceId128;
    const common = {
      transport,
      stats: this.stats.scope(`tracing.${p.kind}.`),
      flushIntervalMs: this.options.traceFlushIntervalMs,
      timers: this.options.traceTimers,
    };
    const exporter: SpanSink = otlp
      ? new SpanExporter<Span>({
          ...common,
          encodeSpan: (span) => span,
          encodeBatch: (spans) => encodeOtlpTraces(spans, resource),
        })
      : new SpanExporter<string>({
          ...common,
          encodeSpan: (span) => encodeZipkinSpan(span, local, traceId128),
          encodeBatch: encodeZipkinRequest,
        });
    this.exporters.set(key, { exporter, transport });
    return exporter;
  }

  close(): void {
    for (const w of this.writers.values()) w.close();
    for (const e of this.exporters.values()) {
      e.exporter.stop();
      e.transport.close();
    }
  }

  /** INBOUND listeners report as the destination; OUTBOUND and unspecified ones as the source. */
  httpReporter(direction: TrafficDirection): IstioHttpReporter {
    return this.httpReporters[reporterOf(direction)];
  }

  tcpReporter(direction: TrafficDirection): IstioTcpReporter {
    return this.tcpReporters[reporterOf(direction)];
  }
}

export function reporterOf(direction: TrafficDirection): Reporter {
  return direction === 'INBOUND' ? 'destination' : 'source';
}
