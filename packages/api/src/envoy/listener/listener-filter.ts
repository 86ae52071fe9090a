import { anyOf, TypeRegistry } from '../schema/any.ts';
import { emptyMessage } from '../schema/empty-message.ts';
import { ignored, optional, required, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { resolveExtension } from '../schema/typed-extension.ts';
import type { ListenerFilter } from '../types.ts';

/** Listener filters by type URL; their configs carry nothing Tandem uses. */
export const listenerFilters = new TypeRegistry<true>('listener filter');

export const tlsInspector = message({
  name: 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  fields: {
    enable_ja3_fingerprinting: unsupported(),
    enable_ja4_fingerprinting: unsupported(),
    initial_read_buffer_size: ignored('Tandem reads the ClientHello as it arrives'),
  },
  build: () => true as const,
});

export const httpInspector = emptyMessage(
  'envoy.extensions.filters.listener.http_inspector.v3.HttpInspector',
);

export const originalDst = message({
  name: 'envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  fields: { traffic_direction: unsupported() },
  build: () => true as const,
});

const config = { oneof: 'config_type' };

/** envoy.config.listener.v3.ListenerFilter. */
export const listenerFilter = message({
  name: 'envoy.config.listener.v3.ListenerFilter',
  label: 'listener filter',
  fields: {
    name: required(nonEmptyStr),
    typed_config: optional(anyOf(listenerFilters), config),
    config_discovery: unsupported(undefined, config),
    filter_disabled: unsupported(),
  },
  build: (v, ctx): ListenerFilter | undefined => {
    const typed = resolveExtension(listenerFilters, v.name, v.typed_config, ctx);
    return typed === undefined ? undefined : { name: v.name, typeUrl: typed.entry.typeUrl };
  },
});
