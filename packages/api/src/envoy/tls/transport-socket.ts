import { anyOf, TypeRegistry } from '../schema/any.ts';
import { optional, required } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import { resolveExtension } from '../schema/typed-extension.ts';
import type { DownstreamTlsContext, UpstreamTlsContext } from '../types.ts';

/** Transport sockets a listener's filter chain accepts; `undefined` means plaintext. */
export const downstreamTransportSockets = new TypeRegistry<DownstreamTlsContext | undefined>(
  'downstream transport socket',
);

/** Transport sockets a cluster accepts; `undefined` means plaintext. */
export const upstreamTransportSockets = new TypeRegistry<UpstreamTlsContext | undefined>(
  'upstream transport socket',
);

function transportSocket<T>(registry: TypeRegistry<T>, title: string) {
  return message({
    name: 'envoy.config.core.v3.TransportSocket',
    title,
    fields: {
      name: required(nonEmptyStr, { note: 'e.g. envoy.transport_sockets.tls' }),
      typed_config: optional(anyOf(registry), { oneof: 'config_type' }),
    },
    build: (v, ctx) => resolveExtension(registry, v.name, v.typed_config, ctx)?.value,
  });
}

export const downstreamTransportSocket = transportSocket(
  downstreamTransportSockets,
  'TransportSocket (listener)',
);
export const upstreamTransportSocket = transportSocket(upstreamTransportSockets, 'TransportSocket (cluster)');
