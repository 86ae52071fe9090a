/**
 * `/clusters`: per host `cluster::host:port::stat::value` lines as Envoy prints them, or JSON with
 * `?format=json`.
 */
import type { Host } from '../upstream/host.ts';
import type { AdminResponse, AdminTarget } from './admin-handler.ts';

export function clustersHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  const clusters = [...t.clusters.all()];
  if (q.get('format') === 'json') {
    const body = {
      cluster_statuses: clusters.map((c) => ({
        name: c.name,
        host_statuses: c.allHosts.map((h) => ({
          address: { socket_address: { address: h.address, port_value: h.port } },
          hostname: h.hostname,
          weight: h.weight,
          priority: h.priority,
          health_status: {
            eds_health_status: h.edsHealthy ? 'HEALTHY' : 'UNHEALTHY',
            ...(h.outlierEjected ? { failed_outlier_check: true } : {}),
            ...(h.activeHcFailed ? { failed_active_health_check: true } : {}),
          },
          stats: [
            { name: 'rq_active', value: h.activeRequests },
            {
              name: 'cx_active',
              value: (h.http1Pool?.connectionCount ?? 0) + (h.http2Pool?.connectionCount ?? 0),
            },
          ],
        })),
      })),
    };
    return { status: 200, contentType: 'application/json', body: `${JSON.stringify(body, null, 2)}\n` };
  }
  const lines: string[] = [];
  for (const c of clusters) {
    lines.push(`${c.name}::default_priority::max_connections::1024`);
    for (const h of c.allHosts) {
      const p = `${c.name}::${h.key}::`;
      const cx = (h.http1Pool?.connectionCount ?? 0) + (h.http2Pool?.connectionCount ?? 0);
      lines.push(`${p}cx_active::${cx}`, `${p}rq_active::${h.activeRequests}`);
      lines.push(`${p}health_flags::${healthFlags(h)}`);
      if (h.outlier !== undefined) lines.push(`${p}success_rate::-1`);
      lines.push(`${p}weight::${h.weight}`, `${p}priority::${h.priority}`, `${p}hostname::${h.hostname}`);
    }
  }
  return { status: 200, contentType: 'text/plain', body: lines.map((l) => `${l}\n`).join('') };
}

/** Envoy's health flags: `healthy`, or `/failed_active_hc`, `/failed_outlier_check`, `/failed_eds_health`, joined. */
function healthFlags(h: Host): string {
  const flags: string[] = [];
  if (h.activeHcFailed) flags.push('/failed_active_hc');
  if (h.outlierEjected) flags.push('/failed_outlier_check');
  if (!h.edsHealthy) flags.push('/failed_eds_health');
  return flags.length === 0 ? 'healthy' : flags.join('');
}
