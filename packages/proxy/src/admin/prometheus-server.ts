/**
 * The dedicated scrape port (Istio's 15090): `/stats/prometheus` and nothing else, so that
 * Prometheus can reach the metrics from outside the pod while the admin API stays on localhost.
 */
import http from 'node:http';
import type net from 'node:net';
import type { StatsStore } from '../stats/stats.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';
import { TandemError } from '../util/errors.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './prometheus-handler.ts';

export class PrometheusServer {
  private readonly server: http.Server;

  constructor(stats: StatsStore, telemetry: Telemetry) {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/stats/prometheus' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('only /stats/prometheus is served here\n');
        return;
      }
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
      res.end(req.method === 'HEAD' ? undefined : renderPrometheus(stats, telemetry, false));
    });
  }

  listen(address: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new TandemError(
            'TANDEM_ERR_PROMETHEUS_BIND',
            `prometheus: cannot bind ${address}:${port}: ${err.code ?? err.message}`,
          ),
        ),
      );
      this.server.listen({ host: address, port }, () =>
        resolve((this.server.address() as net.AddressInfo).port),
      );
    });
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }
}
