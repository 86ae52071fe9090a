/**
 * `/stats/prometheus`: Istio's standard metrics, then Envoy's stats with tag extraction, in the
 * Prometheus text format (0.0.4). Served on the admin API and on the dedicated scrape port.
 */
import { renderEnvoyStats } from '../stats/prometheus-text.ts';
import type { StatsStore } from '../stats/stats.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';
import type { AdminResponse, AdminTarget } from './admin-handler.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderPrometheus(stats: StatsStore, telemetry: Telemetry, usedOnly: boolean): string {
  const out: string[] = [];
  telemetry.istio.renderPrometheus(out);
  renderEnvoyStats(stats, out, usedOnly);
  return out.join('');
}

export function prometheusHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  return {
    status: 200,
    contentType: PROMETHEUS_CONTENT_TYPE,
    body: renderPrometheus(t.stats, t.telemetry, q.has('usedonly')),
  };
}
