/** Runs `promtool check metrics` on a scrape and sorts its findings into lint warnings and errors. */
import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  available: boolean;
  /** Exit code: 0 clean, 3 lint warnings only, 1 errors. */
  code: number;
  errors: string[];
  /** `metric_name problem` lines. */
  lints: { metric: string; problem: string }[];
}

export function promtoolCheck(text: string): PromtoolResult {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error !== undefined) return { available: false, code: -1, errors: [], lints: [] };
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('error'));
  const lints = lines
    .filter((l) => !l.startsWith('error'))
    .map((l) => {
      const space = l.indexOf(' ');
      return { metric: l.slice(0, space), problem: l.slice(space + 1) };
    });
  return { available: true, code: r.status ?? -1, errors, lints };
}

/**
 * Lint findings inherent to the names Istio and Envoy use, which dashboards depend on: Istio's
 * duration is in milliseconds, and many Envoy counters do not end in `_total`.
 */
export function isInherentLint(l: { metric: string; problem: string }): boolean {
  if (l.metric === 'istio_request_duration_milliseconds' && /base unit "seconds"/.test(l.problem))
    return true;
  if (l.metric.startsWith('envoy_') && /should have "_total" suffix/.test(l.problem)) return true;
  // Envoy's gauge cluster.<name>.membership_total.
  if (l.metric === 'envoy_cluster_membership_total' && /should not have "_total"/.test(l.problem))
    return true;
  return false;
}
