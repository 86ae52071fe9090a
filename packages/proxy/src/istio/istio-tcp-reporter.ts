/**
 * Istio's TCP metrics for TCP proxies of one reporter side. A connection resolves its series once
 * (by upstream cluster and response flags) and then adds byte counts to it. Peers are "unknown"
 * until mTLS brings ALPN-based metadata exchange (Istio exchanges TCP metadata only inside mTLS).
 */
import { serviceFromCluster } from './destination-service.ts';
import type { IstioMetrics } from './istio-metrics.ts';
import { type Reporter, renderPeerLabels, type TcpSeries } from './istio-series.ts';
import { UNKNOWN_WORKLOAD } from './workload-identity.ts';

export class IstioTcpReporter {
  readonly reporter: Reporter;
  private readonly metrics: IstioMetrics;
  private readonly byTarget = new Map<string, TcpSeries>();

  constructor(metrics: IstioMetrics, reporter: Reporter) {
    this.metrics = metrics;
    this.reporter = reporter;
  }

  /** The series for a connection to `cluster` ('' when none was chosen) with `flags` ('' for none). */
  series(cluster: string, flags: string): TcpSeries {
    const key = flags === '' ? cluster : `${cluster}\n${flags}`;
    let s = this.byTarget.get(key);
    if (s === undefined) {
      const local = this.metrics.local;
      const source = this.reporter === 'source';
      const prefix = renderPeerLabels({
        reporter: this.reporter,
        source: source ? local : UNKNOWN_WORKLOAD,
        destination: source ? UNKNOWN_WORKLOAD : local,
        service: serviceFromCluster(cluster),
      });
      const policy = source ? 'unknown' : 'none';
      const labels = `${prefix},request_protocol="tcp",response_flags="${flags === '' ? '-' : flags}",connection_security_policy="${policy}"`;
      this.byTarget.set(key, (s = this.metrics.tcpSeries(labels)));
    }
    return s;
  }
}
