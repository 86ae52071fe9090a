/** `/stats`: every counter and gauge as `name: value`, sorted; JSON with `?format=json`. */
import type { AdminResponse, AdminTarget } from './admin-handler.ts';
import { prometheusHandler } from './prometheus-handler.ts';

export function statsHandler(t: AdminTarget, q: URLSearchParams): AdminResponse {
  if (q.get('format') === 'prometheus') return prometheusHandler(t, q);
  const filterText = q.get('filter');
  const filter = filterText ? new RegExp(filterText) : undefined;
  const usedOnly = q.has('usedonly');
  const rows: [string, number][] = [];
  for (const [name, c] of t.stats.counters) rows.push([name, c.value]);
  for (const [name, g] of t.stats.gauges) rows.push([name, g.value]);
  const kept = rows
    .filter(([name, v]) => (filter === undefined || filter.test(name)) && (!usedOnly || v !== 0))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (q.get('format') === 'json') {
    const body = JSON.stringify({ stats: kept.map(([name, value]) => ({ name, value })) }, null, 2);
    return { status: 200, contentType: 'application/json', body: `${body}\n` };
  }
  return { status: 200, contentType: 'text/plain', body: kept.map(([n, v]) => `${n}: ${v}\n`).join('') };
}
