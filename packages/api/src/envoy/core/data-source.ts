import { ignored, optional } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bytes, nonEmptyStr, str } from '../schema/scalars.ts';
import type { DataSource } from '../types.ts';

/** envoy.config.core.v3.DataSource: exactly one of a file, inline bytes, an inline string or an env var. */
export const dataSource = message({
  name: 'envoy.config.core.v3.DataSource',
  fields: {
    filename: optional(nonEmptyStr, { oneof: 'specifier' }),
    inline_bytes: optional(bytes, { oneof: 'specifier' }),
    inline_string: optional(str, { oneof: 'specifier' }),
    environment_variable: optional(nonEmptyStr, { oneof: 'specifier' }),
    watched_directory: ignored('files are read when the config is loaded'),
  },
  oneofs: { specifier: { required: true } },
  build: (v): DataSource | undefined => {
    if (v.filename !== undefined) return { kind: 'filename', filename: v.filename };
    if (v.inline_bytes !== undefined) return { kind: 'inlineBytes', value: v.inline_bytes };
    if (v.inline_string !== undefined) return { kind: 'inlineString', value: v.inline_string };
    if (v.environment_variable !== undefined)
      return { kind: 'environmentVariable', name: v.environment_variable };
    return undefined;
  },
});

/** Byte length of an inline source, or undefined for sources read later (files, env vars). */
export function inlineSize(source: DataSource): number | undefined {
  if (source.kind === 'inlineBytes') return source.value.length;
  if (source.kind === 'inlineString') return Buffer.byteLength(source.value);
  return undefined;
}
