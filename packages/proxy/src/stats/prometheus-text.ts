/**
 * Envoy's stats in the Prometheus text format, named the way Envoy's `/stats/prometheus` names
 * them: `envoy_` + the stat name with the object name taken out as a label (tag extraction), e.g.
 * `cluster.web.upstream_rq_total` -> `envoy_cluster_upstream_rq_total{envoy_cluster_name="web"}`,
 * `..upstream_rq_2xx` -> `envoy_cluster_upstream_rq_xx{envoy_response_code_class="2",...}` and
 * `..upstream_rq_503` -> `envoy_cluster_upstream_rq{envoy_response_code="503",...}`.
 */
import { escapeLabel } from '../istio/istio-series.ts';
import type { StatsStore, TaggedPrefix } from './stats.ts';

interface Sample {
  labels: string;
  value: number;
}

interface Family {
  type: 'counter' | 'gauge';
  /** One source stat name, for the help text. */
  example: string;
  samples: Sample[];
}

export function renderEnvoyStats(store: StatsStore, out: string[], usedOnly = false): void {
  const prefixes = [...store.taggedPrefixes.values()].sort((a, b) => b.prefix.length - a.prefix.length);
  const families = new Map<string, Family>();
  const add = (name: string, value: number, type: 'counter' | 'gauge'): void => {
    if (usedOnly && value === 0) return;
    const { metric, labels } = extractTags(name, prefixes);
    let f = families.get(metric);
    if (f === undefined) families.set(metric, (f = { type, example: name, samples: [] }));
    if (f.type !== type) return;
    f.samples.push({ labels, value });
  };
  for (const [name, c] of store.counters) add(name, c.value, 'counter');
  for (const [name, g] of store.gauges) add(name, g.value, 'gauge');
  for (const name of [...families.keys()].sort()) {
    const f = families.get(name)!;
    out.push(
      `# HELP ${name} Envoy stat (e.g. ${f.example.replace(/[\\\n]/g, '_')}).\n# TYPE ${name} ${f.type}\n`,
    );
    for (const s of f.samples)
      out.push(s.labels === '' ? `${name} ${s.value}\n` : `${name}{${s.labels}} ${s.value}\n`);
  }
}

export function extractTags(
  name: string,
  prefixes: readonly TaggedPrefix[],
): { metric: string; labels: string } {
  const labels: string[] = [];
  let rest = name;
  let family = '';
  for (const p of prefixes) {
    if (name.startsWith(p.prefix)) {
      rest = name.slice(p.prefix.length);
      family = `${p.family}.`;
      labels.push(`${p.tag}="${escapeLabel(p.value)}"`);
      break;
    }
  }
  const code = /^(.*_rq)_(\d)xx$/.exec(rest);
  if (code) {
    rest = `${code[1]}_xx`;
    labels.unshift(`envoy_response_code_class="${code[2]}"`);
  } else {
    const exact = /^(.*_rq)_(\d{3})$/.exec(rest);
    if (exact) {
      rest = exact[1]!;
      labels.unshift(`envoy_response_code="${exact[2]}"`);
    }
  }
  return { metric: `envoy_${(family + rest).replace(/[^a-zA-Z0-9_]/g, '_')}`, labels: labels.join(',') };
}
