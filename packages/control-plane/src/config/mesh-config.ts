/**
 * Istio's MeshConfig, the observability part: access logs (`accessLogFile`, `accessLogEncoding`,
 * `accessLogFormat`), tracing (`enableTracing`, `defaultConfig.tracing.sampling`,
 * `defaultConfig.tracing.zipkin.address`), `extensionProviders` (zipkin, opentelemetry,
 * envoyFileAccessLog) and `defaultProviders`. In local mode it comes from the file given with
 * `tandem control-plane --mesh-config FILE` (the YAML under the `mesh` key of Istio's `istio`
 * ConfigMap, or the ConfigMap itself). Fields Tandem does not apply are returned as notices.
 */
import { parseFormatString } from '@tandem/api';
import YAML from 'yaml';

export type ExtensionProvider =
  | { name: string; kind: 'zipkin' | 'opentelemetry'; service: string; port: number; path: string }
  | {
      name: string;
      kind: 'envoyFileAccessLog';
      path: string;
      text: string | undefined;
      labels: Record<string, unknown> | undefined;
    };

export interface MeshConfig {
  accessLogFile: string;
  accessLogEncoding: 'TEXT' | 'JSON';
  /** '' for Istio's default format. */
  accessLogFormat: string;
  enableTracing: boolean;
  /** defaultConfig.tracing.sampling, percent (Istio's default 1). */
  tracingSampling: number;
  /** defaultConfig.tracing.zipkin.address (`host:port`), '' when unset. */
  zipkinAddress: string;
  extensionProviders: ExtensionProvider[];
  defaultTracingProviders: string[];
  defaultAccessLogProviders: string[];
  rootNamespace: string;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  accessLogFile: '',
  accessLogEncoding: 'TEXT',
  accessLogFormat: '',
  enableTracing: true,
  tracingSampling: 1,
  zipkinAddress: '',
  extensionProviders: [],
  defaultTracingProviders: [],
  defaultAccessLogProviders: [],
  rootNamespace: 'istio-system',
}) as MeshConfig;

const APPLIED = new Set([
  'accessLogFile',
  'accessLogEncoding',
  'accessLogFormat',
  'enableTracing',
  'defaultConfig',
  'extensionProviders',
  'defaultProviders',
  'rootNamespace',
]);

type Json = Record<string, unknown>;

export interface MeshConfigResult {
  config: MeshConfig;
  errors: string[];
  notices: string[];
}

export function parseMeshConfig(text: string, file: string): MeshConfigResult {
  const errors: string[] = [];
  const notices: string[] = [];
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    return { config: DEFAULT_MESH_CONFIG, errors: [`${file}: ${(err as Error).message}`], notices };
  }
  let m = obj(doc);
  if (m['kind'] === 'ConfigMap') m = obj(YAML.parse(String(obj(m['data'])['mesh'] ?? '{}')));
  for (const key of Object.keys(m))
    if (!APPLIED.has(key)) notices.push(`${file}: meshConfig.${key} is not applied by Tandem`);
  const dc = obj(m['defaultConfig']);
  const tracing = obj(dc['tracing']);
  const encoding = str(m['accessLogEncoding']) || 'TEXT';
  if (encoding !== 'TEXT' && encoding !== 'JSON')
    errors.push(`${file}: accessLogEncoding must be TEXT or JSON`);
  const format = str(m['accessLogFormat']);
  if (format !== '') {
    const parsed = parseFormatString(format);
    if (!parsed.ok) errors.push(`${file}: accessLogFormat: ${parsed.error}`);
  }
  const sampling = tracing['sampling'] === undefined ? 1 : Number(tracing['sampling']);
  if (!(sampling >= 0 && sampling <= 100))
    errors.push(`${file}: defaultConfig.tracing.sampling must be 0..100`);
  const defaults = obj(m['defaultProviders']);
  const config: MeshConfig = {
    accessLogFile: str(m['accessLogFile']),
    accessLogEncoding: encoding === 'JSON' ? 'JSON' : 'TEXT',
    accessLogFormat: format,
    enableTracing: m['enableTracing'] !== false,
    tracingSampling: Number.isFinite(sampling) ? sampling : 1,
    zipkinAddress: str(obj(tracing['zipkin'])['address']),
    extensionProviders: list(m['extensionProviders']).flatMap((p, i) =>
      provider(obj(p), `${file}: extensionProviders[${i}]`, errors, notices),
    ),
    defaultTracingProviders: list(defaults['tracing']).map(String),
    defaultAccessLogProviders: list(defaults['accessLogging']).map(String),
    rootNamespace: str(m['rootNamespace']) || 'istio-system',
  };
  return { config, errors, notices };
}

function provider(p: Json, at: string, errors: string[], notices: string[]): ExtensionProvider[] {
  const name = str(p['name']);
  if (name === '') {
    errors.push(`${at}: name is required`);
    return [];
  }
  for (const kind of ['zipkin', 'opentelemetry'] as const) {
    if (p[kind] === undefined) continue;
    const c = obj(p[kind]);
    const port = Number(c['port']);
    if (str(c['service']) === '' || !Number.isInteger(port) || port <= 0) {
      errors.push(`${at} (${name}): ${kind} needs service and port`);
      return [];
    }
    const path = kind === 'zipkin' ? '/api/v2/spans' : str(obj(c['http'])['path']) || '/v1/traces';
    if (kind === 'opentelemetry' && c['http'] === undefined)
      notices.push(
        `${at} (${name}): OTLP over gRPC is not supported; Tandem exports OTLP/HTTP to ${c['service']}:${port}${path}`,
      );
    return [{ name, kind, service: str(c['service']), port, path }];
  }
  if (p['envoyFileAccessLog'] !== undefined) {
    const c = obj(p['envoyFileAccessLog']);
    const lf = obj(c['logFormat']);
    return [
      {
        name,
        kind: 'envoyFileAccessLog',
        path: str(c['path']) || '/dev/stdout',
        text: lf['text'] === undefined ? undefined : str(lf['text']),
        labels: lf['labels'] === undefined ? undefined : obj(lf['labels']),
      },
    ];
  }
  notices.push(
    `${at} (${name}): provider type not supported by Tandem (supported: zipkin, opentelemetry, envoyFileAccessLog)`,
  );
  return [];
}

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
