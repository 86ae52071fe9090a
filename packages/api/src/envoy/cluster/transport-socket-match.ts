import { optional, required, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr, struct } from '../schema/scalars.ts';
import { upstreamTransportSocket } from '../tls/transport-socket.ts';
import type { TransportSocketMatch } from '../types.ts';

/** envoy.config.cluster.v3.Cluster.TransportSocketMatch: TLS for the endpoints whose metadata matches. */
export const transportSocketMatch = message({
  name: 'envoy.config.cluster.v3.Cluster.TransportSocketMatch',
  fields: {
    name: required(nonEmptyStr),
    match: withDefault(struct, {}, { note: 'string values compared with the endpoint metadata' }),
    transport_socket: optional(upstreamTransportSocket, { note: 'unset: plaintext' }),
  },
  build: (v): TransportSocketMatch => {
    const match: Record<string, string> = {};
    for (const [k, x] of Object.entries(v.match)) match[k] = typeof x === 'string' ? x : JSON.stringify(x);
    return { name: v.name, match, transportSocket: v.transport_socket };
  },
});
