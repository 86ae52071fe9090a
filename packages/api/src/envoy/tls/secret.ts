import { optional, required, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import type { Secret } from '../types.ts';
import { certificateValidationContext } from './certificate-validation-context.ts';
import { tlsCertificate } from './tls-certificate.ts';

const type = { oneof: 'type' };

/** envoy.extensions.transport_sockets.tls.v3.Secret: a named certificate or validation context. */
export const secret = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.Secret',
  label: 'secret',
  defines: 'secret',
  fields: {
    name: required(nonEmptyStr),
    tls_certificate: optional(tlsCertificate, type),
    session_ticket_keys: unsupported(undefined, type),
    validation_context: optional(certificateValidationContext, type),
    generic_secret: unsupported(undefined, type),
  },
  oneofs: { type: { required: true } },
  build: (v, ctx): Secret | undefined => {
    if (v.tls_certificate !== undefined) {
      ctx.define('tls_certificate_secret', v.name);
      return { name: v.name, kind: 'tlsCertificate', tlsCertificate: v.tls_certificate };
    }
    if (v.validation_context !== undefined) {
      ctx.define('validation_context_secret', v.name);
      return { name: v.name, kind: 'validationContext', validationContext: v.validation_context };
    }
    return undefined;
  },
});
