/**
 * Gateway: servers (ports, hosts, TLS) that the proxies whose labels match `selector` (in any namespace,
 * Istio's default) expose at the edge of the mesh. VirtualServices bind to it with `gateways`. Istio's rules:
 * at least one server, port names unique across servers, `httpsRedirect` only on HTTP servers (a warning);
 * the object's name is a DNS-1123 label (no dots), checked with its metadata.
 */
import { listOf } from '../../envoy/schema/collections.ts';
import { withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { isDns1123Label } from '../core/hostname.ts';
import { invalid } from '../core/istio-fields.ts';
import { labelMap } from '../core/labels.ts';
import { isHttpProtocol } from '../core/protocol.ts';
import { IstioIssueCode } from '../istio-issue-codes.ts';
import type { Gateway, ObjectMeta } from '../types.ts';
import { gatewayServer } from './gateway-server.ts';

const servers = listOf(gatewayServer, {
  unique: [
    {
      key: (s) => s.port.name,
      message: (name, i) => `port name "${name}" is already used by servers[${i}]; port names must be unique`,
    },
  ],
});

export const gateway: Schema<Gateway> = message({
  name: 'istio.networking.v1.Gateway',
  fields: {
    selector: withDefault(labelMap({ noWildcards: true }), {}),
    servers: withDefault(servers, []),
  },
  build: (v, ctx) => {
    if (v.servers.length === 0) invalid(ctx.field('servers'), 'a Gateway needs at least one server');
    v.servers.forEach((s, i) => {
      if (s.tls?.httpsRedirect && !isHttpProtocol(s.port.protocol))
        ctx
          .field('servers')
          .item(i)
          .field('tls')
          .field('httpsRedirect')
          .warn(
            IstioIssueCode.ineffective,
            `httpsRedirect only applies to HTTP servers, not ${s.port.protocol}`,
          );
    });
    return { selector: v.selector, servers: v.servers };
  },
});

/** Istio: a Gateway's name is a DNS-1123 label (it appears in `namespace/name` references). */
export function checkGatewayMeta(meta: ObjectMeta, ctx: ValidationContext): void {
  if (meta.name !== '' && !isDns1123Label(meta.name))
    invalid(ctx, `invalid Gateway name "${meta.name}": it must be a DNS-1123 label (no dots)`);
}
