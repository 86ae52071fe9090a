/**
 * Control-plane metrics under Istio's names (pilot_*), so dashboards and alerts written for
 * istiod read Tandem's control plane too, next to the process's own (resident memory, CPU, heap
 * spaces, GC pauses, event loop lag: prom-client's defaults, as istiod exports Go's runtime
 * metrics). The control plane is not on the request path; it uses prom-client.
 */
import client from 'prom-client';
import type { AdsObserver } from '../xds/ads-connection.ts';

export class ControlPlaneMetrics {
  readonly registry = new client.Registry();

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
  }

  readonly connectedProxies = new client.Gauge({
    name: 'pilot_xds',
    help: 'Number of endpoints connected to this pilot using XDS.',
    registers: [this.registry],
  });
  readonly pushes = new client.Counter({
    name: 'pilot_xds_pushes',
    help: 'Pilot build and send errors for lds, rds, cds and eds.',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly rejects = new client.Counter({
    name: 'pilot_total_xds_rejects',
    help: 'Total number of XDS responses from pilot rejected by proxy.',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly convergence = new client.Histogram({
    name: 'pilot_proxy_convergence_time',
    help: 'Delay in seconds between config change and a proxy receiving all required configuration.',
    buckets: [0.1, 0.5, 1, 3, 5, 10, 20, 30],
    registers: [this.registry],
  });
  readonly pushTime = new client.Histogram({
    name: 'pilot_xds_push_time',
    help: 'Total time in seconds Pilot takes to push lds, rds, cds and eds.',
    labelNames: ['type'],
    buckets: [0.01, 0.1, 1, 3, 5, 10, 20, 30],
    registers: [this.registry],
  });
  readonly buildTime = new client.Histogram({
    name: 'tandem_xds_build_seconds',
    help: 'Time in seconds to build one translation (stage=translate: Istio config to Envoy resources for one group of identical proxies; stage=snapshot: encoding them into a versioned snapshot).',
    labelNames: ['stage'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly proxySnapshots = new client.Counter({
    name: 'tandem_xds_proxy_snapshots_total',
    help: 'Snapshots published for a proxy (at connect and at each push), whether translated for it or shared with identical proxies.',
    registers: [this.registry],
  });
  readonly translations = new client.Gauge({
    name: 'tandem_xds_translations',
    help: 'Distinct translations held (groups of connected proxies with identical translation inputs).',
    registers: [this.registry],
  });
  readonly services = new client.Gauge({
    name: 'pilot_services',
    help: 'Total services known to pilot.',
    registers: [this.registry],
  });
  readonly virtualServices = new client.Gauge({
    name: 'pilot_virt_services',
    help: 'Total virtual services known to pilot.',
    registers: [this.registry],
  });
  readonly configRejections = new client.Gauge({
    name: 'tandem_config_rejected_objects',
    help: 'Config objects currently rejected by validation.',
    registers: [this.registry],
  });
  readonly validationFailed = new client.Counter({
    name: 'galley_validation_failed',
    help: 'Config objects that failed validation (each new rejection counted once).',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly acks = new client.Counter({
    name: 'pilot_xds_acks',
    help: 'xDS responses acknowledged by proxies, by type.',
    labelNames: ['type'],
    registers: [this.registry],
  });
  /** Where the CA figures come from, read at each scrape (set when the control plane runs a CA). */
  private ca: { issued(): number; rootExpiryMs(): number | undefined } | undefined;
  readonly certsIssued = new client.Counter({
    name: 'citadel_server_success_cert_issuance_count',
    help: 'Workload certificates issued by the CA.',
    registers: [this.registry],
    collect: () => {
      if (this.ca === undefined) return;
      this.certsIssued.reset();
      this.certsIssued.inc(this.ca.issued());
    },
  });
  readonly rootCertExpiry = new client.Gauge({
    name: 'citadel_server_root_cert_expiry_timestamp',
    help: 'Unix time (seconds) at which the first of the CA root certificates expires.',
    registers: [this.registry],
    collect: () => {
      const at = this.ca?.rootExpiryMs();
      if (at !== undefined) this.rootCertExpiry.set(Math.floor(at / 1000));
    },
  });

  /** Reports the CA's figures from now on. */
  bindCa(ca: { issued(): number; rootExpiryMs(): number | undefined }): void {
    this.ca = ca;
  }

  /** The ADS server's hooks: pushes (and send errors as `<type>_senderr`, as Istio names them), ACKs, NACKs. */
  readonly adsObserver: AdsObserver = {
    onResponse: (typeUrl) => this.pushes.inc({ type: xdsType(typeUrl) }),
    onSendError: (typeUrl) => this.pushes.inc({ type: `${xdsType(typeUrl)}_senderr` }),
    onAck: (typeUrl) => this.acks.inc({ type: xdsType(typeUrl) }),
    onNack: (typeUrl) => this.rejects.inc({ type: xdsType(typeUrl) }),
  };
}

const SHORT: Record<string, string> = {
  Listener: 'lds',
  RouteConfiguration: 'rds',
  Cluster: 'cds',
  ClusterLoadAssignment: 'eds',
  Secret: 'sds',
};

/** `type.googleapis.com/envoy.config.cluster.v3.Cluster` -> `cds`, as Istio labels pushes. */
export function xdsType(typeUrl: string): string {
  const name = typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
  return SHORT[name] ?? (name.toLowerCase() || 'unknown');
}
