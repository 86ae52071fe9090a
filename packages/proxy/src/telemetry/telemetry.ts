/**
 * The proxy's telemetry, built once from the bootstrap and shared by every listener: the local
 * workload's identity, Istio's standard metrics with one reporter per side, and the metadata
 * exchange with peer sidecars. Stages read it through their filter context.
 */
import type { Listener, NodeInfo } from '@tandem/api';
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
import type { StatsStore } from '../stats/stats.ts';

export type TrafficDirection = Listener['trafficDirection'];

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
  private readonly writerOptions: AccessLogWriterOptions;

  constructor(node: NodeInfo, stats: StatsStore, writerOptions: AccessLogWriterOptions = {}) {
    this.node = node;
    this.stats = stats;
    this.writerOptions = writerOptions;
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
      this.writers.set(path, (w = new AccessLogWriter(path, this.stats, this.writerOptions)));
    return w;
  }

  close(): void {
    for (const w of this.writers.values()) w.close();
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
