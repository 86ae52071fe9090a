import { dataSource } from '../core/data-source.ts';
import { ignored, optional, required, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import type { TlsCertificate } from '../types.ts';

/** envoy.extensions.transport_sockets.tls.v3.TlsCertificate: a PEM chain and its key. */
export const tlsCertificate = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.TlsCertificate',
  fields: {
    certificate_chain: required(dataSource, { note: 'PEM' }),
    private_key: required(dataSource, { note: 'PEM' }),
    pkcs12: unsupported('use certificate_chain and private_key (PEM)'),
    watched_directory: ignored('certificates are read when the config is loaded'),
    private_key_provider: unsupported(),
    password: optional(dataSource, { note: 'for an encrypted private key' }),
    ocsp_staple: unsupported(),
    signed_certificate_timestamp: unsupported(),
  },
  build: (v): TlsCertificate => ({
    certificateChain: v.certificate_chain,
    privateKey: v.private_key,
    password: v.password,
  }),
});
