/**
 * Control-plane metrics under Istio's names (pilot_*), so dashboards and alerts written for
 * istiod read Tandem's control plane too. The control plane is not on the request path; it uses
 * prom-client.
 */
import client from 'prom-client';

export class ControlPlaneMetrics {
  readonly registry = new client.Registry();
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
}
