/**
 * The proxy's telemetry, built once from the bootstrap and shared by every listener: the local
 * workload's identity, Istio's standard metrics with one reporter per side, and the metadata
 * exchange with peer sidecars. Stages read it through their filter context.
 */
import type { Listener, NodeInfo } from '@tandem/api';
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

export type TrafficDirection = Listener['trafficDirection'];

export class Telemetry {
  readonly node: NodeInfo;
  readonly identity: WorkloadIdentity;
  readonly istio: IstioMetrics;
  /** Undefined when the node carries no Istio workload metadata (a plain Envoy-style bootstrap). */
  readonly exchange: PeerExchange | undefined;
  private readonly httpReporters: Record<Reporter, IstioHttpReporter>;
  private readonly tcpReporters: Record<Reporter, IstioTcpReporter>;

  constructor(node: NodeInfo) {
    this.node = node;
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
