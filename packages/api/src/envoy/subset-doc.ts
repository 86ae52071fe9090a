import { bootstrap } from './bootstrap/bootstrap.ts';
import { HTTP_PROTOCOL_OPTIONS_KEY } from './cluster/upstream-http-options.ts';
import { httpFilters } from './hcm/http-filter-registry.ts';
import { listenerFilters } from './listener/listener-filter.ts';
import { networkFilters } from './listener/network-filter.ts';
import type { TypeRegistry } from './schema/any.ts';
import type { FieldDef } from './schema/fields.ts';
import type { MessageSchema } from './schema/message.ts';
import { describeSchema, type Schema } from './schema/schema.ts';
import { downstreamTransportSockets, upstreamTransportSockets } from './tls/transport-socket.ts';
import { ensureBuiltinExtensions } from './validate/builtin-extensions.ts';
import { RESOURCE_TYPE_URLS } from './validate/validate-resource.ts';

interface Section {
  readonly schema: MessageSchema<unknown>;
  readonly path: string;
}

function isMessage(schema: Schema<unknown>): schema is MessageSchema<unknown> {
  return (schema as Partial<MessageSchema<unknown>>).kind === 'message';
}

/** Every message reachable from `root`, depth first, with the first path that reaches it. */
function collectSections(root: MessageSchema<unknown>): Section[] {
  const sections: Section[] = [];
  const seen = new Set<Schema<unknown>>();
  const visit = (schema: Schema<unknown>, path: string) => {
    if (seen.has(schema)) return;
    seen.add(schema);
    if (isMessage(schema)) sections.push({ schema, path: path === '' ? '(top level)' : path });
    for (const child of schema.nested?.() ?? []) {
      const suffix = path === '' && child.suffix.startsWith('.') ? child.suffix.slice(1) : child.suffix;
      visit(child.schema, path + suffix);
    }
  };
  visit(root, '');
  return sections;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function statusText(field: FieldDef): string {
  if (field.status === 'ignored') return 'ignored (warning)';
  if (field.status === 'unsupported') return field.planned ? 'not supported yet' : 'not supported';
  return field.required ? 'supported, required' : 'supported';
}

function defaultText(field: FieldDef): string {
  if (field.defaultText !== undefined) return field.defaultText;
  const schema = field.schema;
  if (!field.hasDefault || schema === undefined || isMessage(schema)) return '';
  const value = field.defaultValue;
  if (Array.isArray(value) && value.length === 0) return '';
  return `\`${schema.show?.(value) ?? JSON.stringify(value)}\``;
}

function noteText(field: FieldDef): string {
  const parts: string[] = [];
  if (field.oneof !== undefined) parts.push(`oneof \`${field.oneof}\``);
  if (field.deprecated) parts.push('deprecated in Envoy');
  if (field.note !== undefined) parts.push(field.note);
  return parts.join('; ');
}

function renderSection({ schema, path }: Section): string[] {
  const rows = Object.entries(schema.fields).map(([name, field]) => {
    const type = field.schema === undefined ? '' : describeSchema(field.schema);
    return `| \`${name}\` | ${cell(type)} | ${statusText(field)} | ${cell(defaultText(field))} | ${cell(noteText(field))} |`;
  });
  const lines = [`## ${schema.title}`, '', `\`${schema.name}\` at \`${path}\``, ''];
  if (schema.note !== undefined) lines.push(schema.note, '');
  if (rows.length === 0) return [...lines, 'No fields: setting it (`{}`) is the whole configuration.', ''];
  return [...lines, '| Field | Type | Status | Default | Note |', '|---|---|---|---|---|', ...rows, ''];
}

function renderRegistries(): string[] {
  const registries: TypeRegistry<unknown>[] = [
    networkFilters,
    httpFilters,
    listenerFilters,
    downstreamTransportSockets,
    upstreamTransportSockets,
  ] as TypeRegistry<unknown>[];
  const rows = registries.flatMap((registry) =>
    registry.entries().map((entry) => {
      const names = entry.names.map((name) => `\`${name}\``).join(', ');
      return `| ${registry.what} | \`${entry.typeUrl}\` | ${names} | ${entry.terminal ? 'yes' : ''} |`;
    }),
  );
  return [
    '## Extensions (`typed_config`)',
    '',
    'A `typed_config` is dispatched on its `@type`; any other type URL is an error. When `typed_config` is',
    'left out, the well-known name selects the extension with an empty config.',
    '',
    '| Kind | Type URL | Well-known names | Terminal |',
    '|---|---|---|---|',
    ...rows,
    '',
    `\`Cluster.typed_extension_protocol_options\` accepts the key \`${HTTP_PROTOCOL_OPTIONS_KEY}\` only.`,
    '',
  ];
}

const INTRO = [
  '# Envoy bootstrap: the subset Tandem supports',
  '',
  '<!-- Generated from the validation schema in packages/api/src/envoy by `npm run docs:bootstrap`. Do not edit. -->',
  '',
  '`tandem proxy --config <file>` reads an Envoy v3 bootstrap (YAML or JSON). Every field below is one of:',
  '',
  "- **supported**: validated and used; absent fields take the default shown (Envoy's default).",
  '- **ignored (warning)**: accepted with a warning naming its path; leaving it out has no effect on traffic.',
  '- **not supported** / **not supported yet**: rejected with an error.',
  '',
  'Fields Envoy does not define are rejected as unknown. Field names may be written in snake_case or',
  'lowerCamelCase. Durations are proto3 JSON: seconds with an optional fraction (`"5s"`, `"0.250s"`) or',
  '`{seconds, nanos}`. Wrapper types (`UInt32Value`, `BoolValue`, ...) take the plain value or `{value: ...}`.',
  'Enums take the name or the number. Clusters named by routes and `tcp_proxy`, and secrets named by TLS',
  'contexts, must be defined in `static_resources`.',
  '',
  'With `dynamic_resources.ads_config` (state-of-the-world ADS over gRPC to a static HTTP/2 cluster),',
  'listeners (`lds_config: {ads: {}}`), clusters (`cds_config: {ads: {}}`), route configurations (`rds` in an',
  'HTTP connection manager) and endpoints (EDS clusters) come from the management server. Secrets over SDS',
  'are not fetched yet.',
  '',
];

function renderResources(): string[] {
  const rows = Object.values(RESOURCE_TYPE_URLS).map((url) => `| \`${url}\` |`);
  return [
    '## xDS resources',
    '',
    '`validateResource` accepts these one by one (same tables as below):',
    '',
    '| Type URL |',
    '|---|',
    ...rows,
    '',
  ];
}

/** The Markdown document of the supported bootstrap subset, generated from the schema. */
export function renderSubsetDocument(): string {
  ensureBuiltinExtensions();
  const sections = collectSections(bootstrap as MessageSchema<unknown>).flatMap(renderSection);
  return [...INTRO, ...renderResources(), ...renderRegistries(), ...sections].join('\n');
}
