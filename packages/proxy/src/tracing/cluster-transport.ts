/**
 * Sends export reports with an HTTP/1.1 POST to a host of the collector's cluster (as Envoy's
 * tracers reach their collector through a cluster). Not on the request path.
 */
import http from 'node:http';
import type { HttpCollector } from '@tandem/api/envoy';
import type { ClusterManager } from '../upstream/cluster-manager.ts';
import type { SpanTransport } from './span-exporter.ts';

export class ClusterTransport implements SpanTransport {
  private readonly clusters: ClusterManager;
  private readonly collector: HttpCollector;
  private readonly contentType: string;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(clusters: ClusterManager, collector: HttpCollector, contentType: string) {
    this.clusters = clusters;
    this.collector = collector;
    this.contentType = contentType;
  }

  send(body: Uint8Array | string, done: (err: Error | null) => void): void {
    const c = this.collector;
    const host = this.clusters.get(c.cluster)?.chooseHost(undefined);
    if (host === undefined) return done(new Error(`cluster "${c.cluster}": no host for the collector`));
    let finished = false;
    const finish = (err: Error | null): void => {
      if (finished) return;
      finished = true;
      done(err);
    };
    const headers: Record<string, string> = { 'content-type': this.contentType, host: c.authority };
    for (const h of c.headers) headers[h.key] = h.value;
    const req = http.request(
      {
        host: host.address,
        port: host.port,
        method: 'POST',
        path: c.path,
        headers,
        agent: this.agent,
        timeout: c.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          finish((res.statusCode ?? 0) < 300 ? null : new Error(`collector answered ${res.statusCode}`)),
        );
        res.on('error', finish);
      },
    );
    req.on('timeout', () => req.destroy(new Error('collector timeout')));
    req.on('error', finish);
    req.end(body);
  }

  close(): void {
    this.agent.destroy();
  }
}
