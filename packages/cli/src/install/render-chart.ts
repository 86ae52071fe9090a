/**
 * Renders Tandem's Helm chart (deploy/helm/tandem) without Helm: values.yaml deep-merged with
 * overrides, every template through `ChartTemplate`, documents ordered so that `kubectl apply -f`
 * works in one pass (namespace and CRDs first, the webhook last, after the service it calls).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ChartTemplate, ChartTemplateError } from './chart-template.ts';

export interface RenderOptions {
  chartDir: string;
  namespace?: string;
  releaseName?: string;
  /** Deep-merged over values.yaml. */
  values?: Record<string, unknown>;
}

export interface RenderedDocument {
  template: string;
  kind: string;
  name: string;
  object: Record<string, unknown>;
  text: string;
}

const KIND_ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Service',
  'Deployment',
  'MutatingWebhookConfiguration',
];

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergeValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? mergeValues(out[k], v) : v;
  return out;
}

/** `a.b.c=value` (as `helm --set`): true/false/null and numbers are typed, anything else is a string. */
export function parseSet(assignment: string): Record<string, unknown> {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new ChartTemplateError(`--set ${assignment}: expected key=value`);
  const raw = assignment.slice(eq + 1);
  const value: unknown =
    raw === 'true'
      ? true
      : raw === 'false'
        ? false
        : raw === 'null'
          ? null
          : /^-?\d+(\.\d+)?$/.test(raw)
            ? Number(raw)
            : raw;
  const keys = assignment.slice(0, eq).split('.');
  let out: unknown = value;
  for (const k of keys.reverse()) out = { [k]: out };
  return out as Record<string, unknown>;
}

/** The chart shipped with Tandem: beside the sources, or beside the bundled `dist/tandem.mjs`. */
export function defaultChartDir(): string {
  const candidates = [
    process.env.TANDEM_CHART_DIR,
    path.resolve(import.meta.dirname, '../../../../deploy/helm/tandem'),
    path.resolve(import.meta.dirname, '../deploy/helm/tandem'),
    // The bundle: code the CLI loads on demand sits in dist/chunks/.
    path.resolve(import.meta.dirname, '../../deploy/helm/tandem'),
  ];
  return (
    candidates.find((c): c is string => c !== undefined && existsSync(path.join(c, 'Chart.yaml'))) ??
    candidates[1]!
  );
}

export function renderChart(options: RenderOptions): RenderedDocument[] {
  const dir = options.chartDir;
  const chart = parseYaml(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  const defaults = (parseYaml(readFileSync(path.join(dir, 'values.yaml'), 'utf8')) ?? {}) as Record<
    string,
    unknown
  >;
  const ctx = {
    Values: mergeValues(defaults, options.values ?? {}),
    Release: { Name: options.releaseName ?? 'tandem', Namespace: options.namespace ?? 'tandem-system' },
    Chart: { Name: chart.name ?? 'tandem', Version: chart.version ?? '', AppVersion: chart.appVersion ?? '' },
  };
  const docs: RenderedDocument[] = [];
  const templates = readdirSync(path.join(dir, 'templates'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const file of templates) {
    const name = `templates/${file}`;
    const rendered = new ChartTemplate(name, readFileSync(path.join(dir, name), 'utf8')).render(ctx);
    for (const part of rendered.split(/^---[ \t]*$/m)) {
      const [doc] = parseAllDocuments(part);
      if (doc === undefined) continue;
      if (doc.errors.length > 0)
        throw new ChartTemplateError(`${name}: rendered YAML is invalid: ${doc.errors[0]!.message}`);
      const object = doc.toJSON() as Record<string, unknown> | null;
      if (object === null) continue;
      const meta = (object.metadata ?? {}) as { name?: string };
      docs.push({
        template: name,
        kind: String(object.kind),
        name: String(meta.name),
        object,
        text: part.trim(),
      });
    }
  }
  const rank = (k: string) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
  return docs.sort((a, b) => rank(a.kind) - rank(b.kind));
}

/** Plain manifests: one YAML stream, each document marked with the template it came from. */
export function manifestsText(docs: readonly RenderedDocument[]): string {
  return docs
    .map((d) => `---\n# Source: tandem/${d.template}\n${d.text.replace(/^(#[^\n]*\n)+/, '')}\n`)
    .join('');
}
