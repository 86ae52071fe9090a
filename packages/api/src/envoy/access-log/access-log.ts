/**
 * `access_log` entries (envoy.config.accesslog.v3.AccessLog) with the file logger and the
 * stdout/stderr loggers, and their `log_format` (SubstitutionFormatString: a text template or a
 * JSON object whose string values are templates). Without a format, Envoy's default text format.
 */

import { dataSource } from '../core/data-source.ts';
import { ConfigIssueCode } from '../issue-codes.ts';
import { anyOf, TypeRegistry } from '../schema/any.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, nonEmptyStr, str, struct } from '../schema/scalars.ts';
import { resolveExtension } from '../schema/typed-extension.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import type { AccessLog, AccessLogFormat, JsonFormatValue } from '../types.ts';
import { parseFormatString } from './format-string.ts';

/** Envoy's default access log format. */
export const ENVOY_DEFAULT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

interface LoggerConfig {
  path: string;
  format: AccessLogFormat | undefined;
}

const substitutionFormatString = message({
  name: 'envoy.config.core.v3.SubstitutionFormatString',
  fields: {
    text_format: optional(str, { oneof: 'format', deprecated: true }),
    text_format_source: optional(dataSource, { oneof: 'format', note: 'inline_string only' }),
    json_format: optional(struct, { oneof: 'format' }),
    omit_empty_values: withDefault(bool, false),
    content_type: unsupported(),
    formatters: unsupported('custom formatter extensions are not available'),
    json_format_options: unsupported(),
  },
  oneofs: { format: { required: true } },
  build: (v, ctx): AccessLogFormat | undefined => {
    if (v.json_format !== undefined)
      return jsonFormat(v.json_format, v.omit_empty_values, ctx.field('json_format'));
    const src = v.text_format_source;
    if (src !== undefined && src.kind !== 'inlineString') {
      ctx.field('text_format_source').error(ConfigIssueCode.unsupported, 'only "inline_string" is supported');
      return undefined;
    }
    const template = v.text_format ?? (src?.kind === 'inlineString' ? src.value : '');
    return textFormat(
      template,
      v.omit_empty_values,
      ctx.field(v.text_format !== undefined ? 'text_format' : 'text_format_source'),
    );
  },
});

export function textFormat(
  template: string,
  omitEmptyValues: boolean,
  ctx: ValidationContext,
): AccessLogFormat | undefined {
  const parsed = parseFormatString(template);
  if (!parsed.ok) {
    ctx.error(ConfigIssueCode.invalid, parsed.error);
    return undefined;
  }
  return { kind: 'text', template, segments: parsed.segments, omitEmptyValues };
}

export function jsonFormat(
  fields: Record<string, unknown>,
  omitEmptyValues: boolean,
  ctx: ValidationContext,
): AccessLogFormat | undefined {
  const before = ctx.errorCount;
  const convert = (value: unknown, at: ValidationContext): JsonFormatValue => {
    if (typeof value === 'string') {
      const parsed = parseFormatString(value);
      if (!parsed.ok) at.error(ConfigIssueCode.invalid, parsed.error);
      return { kind: 'template', segments: parsed.ok ? parsed.segments : [] };
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return {
        kind: 'object',
        fields: Object.entries(value).map(([k, v]) => [k, convert(v, at.field(k))] as const),
      };
    }
    return { kind: 'constant', value };
  };
  const root = convert(fields, ctx);
  return ctx.errorCount > before ? undefined : { kind: 'json', root, omitEmptyValues };
}

const fileAccessLog = message({
  name: 'envoy.extensions.access_loggers.file.v3.FileAccessLog',
  fields: {
    path: required(nonEmptyStr, { note: '/dev/stdout and /dev/stderr work too' }),
    format: optional(str, { oneof: 'access_log_format', deprecated: true }),
    json_format: optional(struct, { oneof: 'access_log_format', deprecated: true }),
    typed_json_format: optional(struct, { oneof: 'access_log_format', deprecated: true }),
    log_format: optional(substitutionFormatString, { oneof: 'access_log_format' }),
  },
  oneofs: { access_log_format: {} },
  build: (v, ctx): LoggerConfig | undefined => {
    let format = v.log_format;
    if (v.format !== undefined) format = textFormat(v.format, false, ctx.field('format'));
    const json = v.json_format ?? v.typed_json_format;
    if (json !== undefined) format = jsonFormat(json, false, ctx.field('json_format'));
    if ((v.format !== undefined || json !== undefined) && format === undefined) return undefined;
    return { path: v.path, format };
  },
});

function streamLogger(name: string, path: string) {
  return message({
    name,
    fields: { log_format: optional(substitutionFormatString) },
    build: (v): LoggerConfig => ({ path, format: v.log_format }),
  });
}

export const FILE_ACCESS_LOG_TYPE_URL =
  'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog';

export const accessLoggers = new TypeRegistry<LoggerConfig>('access logger');
accessLoggers.register(FILE_ACCESS_LOG_TYPE_URL, fileAccessLog, { names: ['envoy.access_loggers.file'] });
accessLoggers.register(
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  streamLogger('envoy.extensions.access_loggers.stream.v3.StdoutAccessLog', '/dev/stdout'),
  { names: ['envoy.access_loggers.stdout'] },
);
accessLoggers.register(
  'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog',
  streamLogger('envoy.extensions.access_loggers.stream.v3.StderrAccessLog', '/dev/stderr'),
  { names: ['envoy.access_loggers.stderr'] },
);

/** envoy.config.accesslog.v3.AccessLog. */
export const accessLog = message({
  name: 'envoy.config.accesslog.v3.AccessLog',
  label: 'access log',
  fields: {
    name: withDefault(str, ''),
    filter: unsupported('access log filters are not supported yet', { planned: true }),
    typed_config: optional(anyOf(accessLoggers)),
  },
  build: (v, ctx): AccessLog | undefined => {
    const typed = resolveExtension(accessLoggers, v.name, v.typed_config, ctx);
    if (typed === undefined) return undefined;
    const defaultFormat = textFormat(ENVOY_DEFAULT_FORMAT, false, ctx);
    return { name: v.name, path: typed.value.path, format: typed.value.format ?? defaultFormat! };
  },
});
