import type { LbEndpoint, Locality } from '@tandem/api/envoy';
import type { Http1Pool } from './http1/http1-pool.ts';
import type { Http2Pool } from './http2/http2-pool.ts';

/**
 * One upstream endpoint of a cluster. Load balancers read `weight`, `healthy` and
 * `activeRequests`; the cluster keeps them current. Connection pools hang off it.
 */
export class Host {
  readonly address: string;
  readonly port: number;
  /** `address:port` (IPv6 in brackets), used in logs, errors and /clusters. */
  readonly key: string;
  readonly hostname: string;
  readonly locality: Locality | undefined;
  readonly priority: number;
  weight: number;
  /** The endpoint's configured weight; `weight` is lower while the host is in slow start. */
  baseWeight: number;
  /** What load balancers read: EDS says healthy, no failed active health check, not ejected. */
  healthy: boolean;
  /** The EDS health status allows traffic. */
  edsHealthy: boolean;
  /** Active health checking marks the host down (or has not passed it yet). */
  activeHcFailed = false;
  /** Ejected by outlier detection. */
  outlierEjected = false;
  /** Monotonic ms when the host joined its cluster after the first host set (slow start); -1 before. */
  addedAtMs = -1;
  /** Per-host state of the cluster's outlier detector, when it has one. */
  outlier: unknown = undefined;
  /** Requests currently in flight to this host (least-request LB reads this). */
  activeRequests = 0;
  /** The endpoint's `envoy.transport_socket_match` metadata (which transport socket its cluster uses). */
  transportSocketMatch: Readonly<Record<string, string>> | undefined;
  /** Connection pools to this host, created on first use by its cluster. */
  http1Pool: Http1Pool | undefined = undefined;
  http2Pool: Http2Pool | undefined = undefined;

  constructor(
    address: string,
    port: number,
    opts: {
      weight?: number;
      healthy?: boolean;
      locality?: Locality;
      priority?: number;
      hostname?: string;
      transportSocketMatch?: Readonly<Record<string, string>>;
    } = {},
  ) {
    this.address = address;
    this.port = port;
    this.key = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    this.weight = opts.weight ?? 1;
    this.baseWeight = this.weight;
    this.edsHealthy = opts.healthy ?? true;
    this.healthy = this.edsHealthy;
    this.locality = opts.locality;
    this.priority = opts.priority ?? 0;
    this.hostname = opts.hostname ?? '';
    this.transportSocketMatch = opts.transportSocketMatch;
  }

  /** Recomputes `healthy`; returns whether it changed. */
  updateHealth(): boolean {
    const healthy = this.edsHealthy && !this.activeHcFailed && !this.outlierEjected;
    if (healthy === this.healthy) return false;
    this.healthy = healthy;
    return true;
  }

  static fromEndpoint(ep: LbEndpoint, locality: Locality | undefined, priority: number): Host {
    return new Host(ep.address.address, ep.address.portValue, {
      weight: ep.loadBalancingWeight,
      healthy: isHealthyStatus(ep.healthStatus),
      locality,
      priority,
      hostname: ep.hostname,
      transportSocketMatch: ep.transportSocketMatch,
    });
  }
}

/** Whether an endpoint's EDS health_status lets load balancers pick it (Envoy: not UNHEALTHY, DRAINING or TIMEOUT). */
export function isHealthyStatus(status: LbEndpoint['healthStatus']): boolean {
  return status !== 'UNHEALTHY' && status !== 'DRAINING' && status !== 'TIMEOUT';
}
