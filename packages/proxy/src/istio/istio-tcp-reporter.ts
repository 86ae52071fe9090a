/**
 * Istio's TCP metrics for TCP proxies of one reporter side. A connection resolves its series once
 * (by upstream cluster, response flags and, on the server side, the peer's principal under mutual
 * TLS) and then adds byte counts to it. Peer workloads are "unknown": Istio learns them by an
 * ALPN-based metadata exchange inside mTLS, which Tandem does not do for TCP.
 */
import type { DownstreamConnectionInfo } from '../http/request-head.ts';
import { connectionSecurity, PLAINTEXT } from './connection-security.ts';
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

  /**
   * The series for a connection to `cluster` ('' when none was chosen) with `flags` ('' for none);
   * `conn` is the downstream connection (its mTLS peer names the source on the server side).
   */
  series(cluster: string, flags: string, conn?: DownstreamConnectionInfo): TcpSeries {
    const source = this.reporter === 'source';
    const principal = source || conn === undefined ? '' : (conn.peerPrincipal ?? '');
    let key = flags === '' ? cluster : `${cluster}\n${flags}`;
    if (principal !== '') key = `${key}\n${principal}`;
    let s = this.byTarget.get(key);
    if (s === undefined) {
      const local = this.metrics.local;
      const security = principal === '' || conn === undefined ? PLAINTEXT : connectionSecurity(conn);
      const prefix = renderPeerLabels({
        reporter: this.reporter,
        source: source
          ? local
          : security.peer === ''
            ? UNKNOWN_WORKLOAD
            : { ...UNKNOWN_WORKLOAD, principal: security.peer },
        destination: source
          ? UNKNOWN_WORKLOAD
          : security.local === ''
            ? local
            : { ...local, principal: security.local },
        service: serviceFromCluster(cluster),
      });
      const policy = source ? 'unknown' : security.policy;
      const labels = `${prefix},request_protocol="tcp",response_flags="${flags === '' ? '-' : flags}",connection_security_policy="${policy}"`;
      this.byTarget.set(key, (s = this.metrics.tcpSeries(labels)));
    }
    return s;
  }
}
