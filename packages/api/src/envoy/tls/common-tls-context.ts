import { optional, repeated, required, unsupported } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { nonEmptyStr } from '../schema/scalars.ts';
import type { ValidationContext } from '../schema/validation-context.ts';
import type { CommonTlsContext } from '../types.ts';
import { certificateValidationContext } from './certificate-validation-context.ts';
import { type SdsSecretRef, sdsSecretConfig } from './sds-secret-config.ts';
import { tlsCertificate } from './tls-certificate.ts';
import { tlsParameters } from './tls-parameters.ts';

const combinedValidationContext = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.CombinedCertificateValidationContext',
  note: 'The SDS secret is merged over the default context.',
  fields: {
    default_validation_context: required(certificateValidationContext),
    validation_context_sds_secret_config: required(sdsSecretConfig),
    validation_context_certificate_provider: unsupported(),
    validation_context_certificate_provider_instance: unsupported(),
  },
  build: (v) => ({ context: v.default_validation_context, sds: v.validation_context_sds_secret_config }),
});

const validation = { oneof: 'validation_context_type' };

/** envoy.extensions.transport_sockets.tls.v3.CommonTlsContext: certificates, peer validation, ALPN. */
export const commonTlsContext = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.CommonTlsContext',
  fields: {
    tls_params: optional(tlsParameters),
    tls_certificates: repeated(tlsCertificate),
    tls_certificate_sds_secret_configs: repeated(sdsSecretConfig),
    tls_certificate_provider_instance: unsupported(),
    tls_certificate_certificate_provider: unsupported(),
    tls_certificate_certificate_provider_instance: unsupported(),
    custom_tls_certificate_selector: unsupported(),
    validation_context: optional(certificateValidationContext, validation),
    validation_context_sds_secret_config: optional(sdsSecretConfig, validation),
    combined_validation_context: optional(combinedValidationContext, {
      ...validation,
      note: 'becomes validation_context plus validation_context_sds_secret_config',
    }),
    validation_context_certificate_provider: unsupported(undefined, validation),
    validation_context_certificate_provider_instance: unsupported(undefined, validation),
    alpn_protocols: repeated(nonEmptyStr),
    custom_handshaker: unsupported(),
    key_log: unsupported(),
  },
  oneofs: { validation_context_type: {} },
  build: (v, ctx): CommonTlsContext => {
    const certs = v.tls_certificate_sds_secret_configs;
    const certsAt = ctx.field('tls_certificate_sds_secret_configs');
    certs.forEach((ref, i) => {
      referSecret(ref, 'tls_certificate_secret', certsAt.item(i));
    });
    const combined = v.combined_validation_context;
    const validationSds = v.validation_context_sds_secret_config ?? combined?.sds;
    if (validationSds !== undefined) {
      const at =
        combined === undefined
          ? ctx.field('validation_context_sds_secret_config')
          : ctx.field('combined_validation_context').field('validation_context_sds_secret_config');
      referSecret(validationSds, 'validation_context_secret', at);
    }
    return {
      tlsParams: v.tls_params,
      tlsCertificates: v.tls_certificates,
      tlsCertificateSdsSecretConfigs: certs.map((ref) => ref.name),
      validationContext: v.validation_context ?? combined?.context,
      validationContextSdsSecretConfig: validationSds?.name,
      alpnProtocols: v.alpn_protocols,
    };
  },
});

/** Static references are checked against static_resources.secrets; ADS ones need ADS. */
function referSecret(
  ref: SdsSecretRef,
  kind: 'tls_certificate_secret' | 'validation_context_secret',
  ctx: ValidationContext,
) {
  if (ref.overAds) ctx.field('sds_config').reference('sds_secret', ref.name, `secret "${ref.name}"`);
  else ctx.field('name').reference(kind, ref.name, 'TLS context');
}

/** A CommonTlsContext with nothing set, the default when `common_tls_context` is absent. */
export const EMPTY_COMMON_TLS_CONTEXT: CommonTlsContext = {
  tlsParams: undefined,
  tlsCertificates: [],
  tlsCertificateSdsSecretConfigs: [],
  validationContext: undefined,
  validationContextSdsSecretConfig: undefined,
  alpnProtocols: [],
};
