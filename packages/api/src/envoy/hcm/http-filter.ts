import { ConfigIssueCode } from '../issue-codes.ts';
import { anyOf } from '../schema/any.ts';
import { optional, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { bool, nonEmptyStr } from '../schema/scalars.ts';
import { isPlainObject, type Schema } from '../schema/schema.ts';
import { resolveExtension } from '../schema/typed-extension.ts';
import type { HttpFilter } from '../types.ts';
import { httpFilters } from './http-filter-registry.ts';

/** A validated HTTP filter plus what the chain check needs to know about it. */
export interface HttpFilterEntry {
  readonly filter: HttpFilter;
  readonly terminal: boolean;
}

const config = { oneof: 'config_type' };

const httpFilterMessage = message({
  name: 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
  label: 'HTTP filter',
  fields: {
    name: required(nonEmptyStr),
    typed_config: optional(anyOf(httpFilters), config),
    config_discovery: unsupported('filter configs are not discovered over xDS', config),
    is_optional: withDefault(bool, false, {
      note: 'an optional filter of an unknown type is left out, with a warning',
    }),
    disabled: unsupported(),
  },
  build: (v, ctx): HttpFilterEntry | undefined => {
    const typed = resolveExtension(httpFilters, v.name, v.typed_config, ctx);
    if (typed === undefined) return undefined;
    return {
      filter: { name: v.name, typeUrl: typed.entry.typeUrl, config: typed.value },
      terminal: typed.entry.terminal,
    };
  },
});

/** An optional filter of an unknown type, left out of the chain. */
export const SKIPPED = 'skipped';

/** HttpFilter, except that an optional filter of an unknown type becomes SKIPPED with a warning. */
export const httpFilter: Schema<HttpFilterEntry | typeof SKIPPED> = {
  ...httpFilterMessage,
  parse(raw, ctx) {
    const typeUrl = optionalUnknownTypeUrl(raw);
    if (typeUrl === undefined) return httpFilterMessage.parse(raw, ctx);
    ctx.warn(
      ConfigIssueCode.optionalFilterSkipped,
      `optional HTTP filter of unknown type ${JSON.stringify(typeUrl)} left out`,
    );
    return SKIPPED;
  },
};

function optionalUnknownTypeUrl(raw: unknown): string | undefined {
  if (!isPlainObject(raw) || (raw.is_optional ?? raw.isOptional) !== true) return undefined;
  const typed = raw.typed_config ?? raw.typedConfig;
  const typeUrl = isPlainObject(typed) ? typed['@type'] : undefined;
  return typeof typeUrl === 'string' && httpFilters.lookup(typeUrl) === undefined ? typeUrl : undefined;
}
