/**
 * One labelled series of each Istio metric. The label text is rendered once, when the series is
 * created; afterwards the request path only bumps numbers in it.
 */
import { DURATION_BUCKETS_MS, Histogram, SIZE_BUCKETS_BYTES } from '../stats/histogram.ts';
import type { DestinationService } from './destination-service.ts';
import type { WorkloadIdentity } from './workload-identity.ts';

export type Reporter = 'source' | 'destination';

export class HttpSeries {
  /** Rendered labels, without braces. */
  readonly labels: string;
  readonly grpc: boolean;
  requests = 0;
  readonly duration = new Histogram(DURATION_BUCKETS_MS);
  readonly requestBytes = new Histogram(SIZE_BUCKETS_BYTES);
  readonly responseBytes = new Histogram(SIZE_BUCKETS_BYTES);
  requestMessages = 0;
  responseMessages = 0;

  constructor(labels: string, grpc: boolean) {
    this.labels = labels;
    this.grpc = grpc;
  }
}

export class TcpSeries {
  readonly labels: string;
  sentBytes = 0;
  receivedBytes = 0;
  opened = 0;
  closed = 0;

  constructor(labels: string) {
    this.labels = labels;
  }
}

/** The labels both ends of an exchange share: who called whom, for which service. */
export interface PeerLabels {
  readonly reporter: Reporter;
  readonly source: WorkloadIdentity;
  readonly destination: WorkloadIdentity;
  readonly service: DestinationService;
}

/** Every label up to (not including) request_protocol, in Istio's order. */
export function renderPeerLabels(p: PeerLabels): string {
  const s = p.source;
  const d = p.destination;
  const pairs: [string, string][] = [
    ['reporter', p.reporter],
    ['source_workload', s.workload],
    ['source_canonical_service', s.app],
    ['source_canonical_revision', s.version],
    ['source_workload_namespace', s.namespace],
    ['source_principal', s.principal],
    ['source_app', s.app],
    ['source_version', s.version],
    ['source_cluster', s.cluster],
    ['destination_workload', d.workload],
    ['destination_workload_namespace', d.namespace],
    ['destination_principal', d.principal],
    ['destination_app', d.app],
    ['destination_version', d.version],
    ['destination_service', p.service.host],
    ['destination_canonical_service', d.app],
    ['destination_canonical_revision', d.version],
    ['destination_service_name', p.service.name],
    ['destination_service_namespace', p.service.namespace],
    ['destination_cluster', d.cluster],
  ];
  return pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
}

export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
