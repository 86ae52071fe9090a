/**
 * Istio's HTTP metrics for one connection manager. The reporter is fixed by the listener's
 * direction: an OUTBOUND listener reports as the source (the local workload called the peer),
 * an INBOUND one as the destination. Series are found through small caches resolved once per
 * (cluster or authority, peer): per request the work is two or three map lookups and bumping
 * numbers; no strings are built and nothing is allocated.
 */
import type { HttpStream } from '../http/http-stream.ts';
import { connectionSecurity, PLAINTEXT } from './connection-security.ts';
import { type DestinationService, serviceFromAuthority, serviceFromCluster } from './destination-service.ts';
import type { IstioMetrics } from './istio-metrics.ts';
import { type HttpSeries, type Reporter, renderPeerLabels } from './istio-series.ts';
import type { WorkloadIdentity } from './workload-identity.ts';

/** Distinct authorities (server side) kept before further ones share an "unknown" service. */
const MAX_TARGETS = 256;

/** Series of one (target, peer): keyed by response code, gRPC status and protocol. */
class PeerSeries {
  readonly prefix: string;
  readonly securityPolicy: string;
  readonly plain = new Map<number, HttpSeries>();
  flagged: Map<string, Map<number, HttpSeries>> | undefined = undefined;
  constructor([prefix, securityPolicy]: [string, string]) {
    this.prefix = prefix;
    this.securityPolicy = securityPolicy;
  }
}

/** `who` with its principal, when the connection told it (mTLS). */
function withPrincipal(who: WorkloadIdentity, principal: string): WorkloadIdentity {
  return principal === '' ? who : { ...who, principal };
}

export class IstioHttpReporter {
  readonly reporter: Reporter;
  private readonly metrics: IstioMetrics;
  /** target (cluster name or authority) -> peer -> series, over plaintext (or on the client side). */
  private readonly targets = new Map<string, Map<WorkloadIdentity, PeerSeries>>();
  /** The same under mutual TLS, by the peer's principal first (server side only). */
  private readonly secured = new Map<string, Map<string, Map<WorkloadIdentity, PeerSeries>>>();

  constructor(metrics: IstioMetrics, reporter: Reporter) {
    this.metrics = metrics;
    this.reporter = reporter;
  }

  record(stream: HttpStream, durationMs: number): void {
    const series = this.series(stream);
    series.requests++;
    series.duration.record(durationMs);
    series.requestBytes.record(stream.requestBodyBytes);
    series.responseBytes.record(stream.responseBodyBytes);
    const grpc = stream.grpc;
    if (grpc !== undefined) {
      series.requestMessages += grpc.request.messages;
      series.responseMessages += grpc.response.messages;
    }
  }

  private series(stream: HttpStream): HttpSeries {
    const source = this.reporter === 'source';
    let target = source ? stream.upstreamCluster : stream.head.authority;
    const principal = source ? '' : (stream.conn.peerPrincipal ?? '');
    let targets = this.targets;
    if (principal !== '') {
      let t = this.secured.get(principal);
      if (t === undefined) this.secured.set(principal, (t = new Map()));
      targets = t;
    }
    let byPeer = targets.get(target);
    if (byPeer === undefined) {
      if (targets.size >= MAX_TARGETS && !source) target = '';
      byPeer = targets.get(target);
      if (byPeer === undefined) targets.set(target, (byPeer = new Map()));
    }
    const peer = stream.peer;
    let ps = byPeer.get(peer);
    if (ps === undefined) byPeer.set(peer, (ps = new PeerSeries(this.prefixFor(target, peer, stream))));
    const grpc = stream.grpc !== undefined;
    const key = stream.responseStatus + 1000 * (stream.grpcStatus + 1) + (grpc ? 100000 : 0);
    const flags = stream.responseFlags;
    let byKey = ps.plain;
    if (flags !== '') {
      ps.flagged ??= new Map();
      byKey = ps.flagged.get(flags) as Map<number, HttpSeries>;
      if (byKey === undefined) ps.flagged.set(flags, (byKey = new Map()));
    }
    let s = byKey.get(key);
    if (s === undefined) {
      const labels =
        `${ps.prefix},request_protocol="${grpc ? 'grpc' : 'http'}",response_code="${stream.responseStatus}"` +
        `,grpc_response_status="${stream.grpcStatus < 0 ? '' : stream.grpcStatus}"` +
        `,response_flags="${flags === '' ? '-' : flags}",connection_security_policy="${ps.securityPolicy}"`;
      byKey.set(key, (s = this.metrics.httpSeries(labels, grpc)));
    }
    return s;
  }

  private prefixFor(target: string, peer: WorkloadIdentity, stream: HttpStream): [string, string] {
    const local = this.metrics.local;
    const source = this.reporter === 'source';
    const service: DestinationService = source
      ? serviceFromCluster(target)
      : serviceFromAuthority(target, local.namespace);
    // The client side reports "unknown", as Istio does; the server side knows its connection.
    const security = source ? PLAINTEXT : connectionSecurity(stream.conn);
    const prefix = renderPeerLabels({
      reporter: this.reporter,
      source: source ? local : withPrincipal(peer, security.peer),
      destination: source ? peer : withPrincipal(local, security.local),
      service,
    });
    return [prefix, source ? 'unknown' : security.policy];
  }
}
