/** The port of a ServiceEntry or Sidecar listener: number, protocol (derived from the name when unset), name. */
import { optional, required, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { uint32 } from '../../envoy/schema/numbers.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { isDns1123Label } from '../core/hostname.ts';
import { invalid, portNumber } from '../core/istio-fields.ts';
import { parseProtocol, protocolFromPort } from '../core/protocol.ts';
import type { ServicePort, ServiceProtocol } from '../types.ts';

/** Why `name` cannot be a port name (a DNS-1123 label), or `undefined`. */
export function checkPortName(name: string): string | undefined {
  return isDns1123Label(name)
    ? undefined
    : `invalid port name "${name}": it must be a DNS-1123 label (letters, digits, "-")`;
}

function readProtocol(value: string | undefined, name: string, ctx: ValidationContext): ServiceProtocol {
  if (value === undefined || value === '') return protocolFromPort(name);
  const protocol = parseProtocol(value);
  if (protocol === undefined) {
    invalid(
      ctx.field('protocol'),
      `unsupported protocol "${value}"; Istio knows HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL and UDP`,
    );
    return 'TCP';
  }
  return protocol;
}

export interface PortSchemaOptions {
  /** The name may be empty (Sidecar ports); otherwise it must be a DNS label. */
  readonly nameOptional?: boolean;
  /** Port 0 is allowed (Sidecar ports bound to Unix sockets). */
  readonly allowZero?: boolean;
}

/** A ServiceEntry / Sidecar port. */
export function servicePort(options: PortSchemaOptions = {}): Schema<ServicePort> {
  return message({
    name: 'istio.networking.v1.ServicePort',
    fields: {
      number: required(options.allowZero ? uint32({ max: 65535 }) : portNumber),
      protocol: optional(str),
      name: withDefault(str, ''),
      targetPort: withDefault(uint32({ max: 65535 }), 0),
    },
    build: (v, ctx) => {
      if (v.name !== '' || !options.nameOptional) {
        const reason = checkPortName(v.name);
        if (reason !== undefined) invalid(ctx.field('name'), reason);
      }
      const protocol = readProtocol(v.protocol, v.name, ctx);
      return { number: v.number, protocol, name: v.name, targetPort: v.targetPort };
    },
  });
}
