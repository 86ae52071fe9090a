import { ConfigIssueCode } from '../issue-codes.ts';
import { ignored, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { stringOf } from '../schema/scalars.ts';
import { boolValue } from '../schema/wrappers.ts';
import type { DownstreamTlsContext, UpstreamTlsContext } from '../types.ts';
import { commonTlsContext, EMPTY_COMMON_TLS_CONTEXT } from './common-tls-context.ts';

/** envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext: TLS on a listener's filter chain. */
export const downstreamTlsContext = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  fields: {
    common_tls_context: withDefault(commonTlsContext, EMPTY_COMMON_TLS_CONTEXT),
    require_client_certificate: withDefault(boolValue, false),
    require_sni: unsupported(),
    session_ticket_keys: unsupported(undefined, { oneof: 'session_ticket_keys_type' }),
    session_ticket_keys_sds_secret_config: unsupported(undefined, { oneof: 'session_ticket_keys_type' }),
    disable_stateless_session_resumption: unsupported(undefined, { oneof: 'session_ticket_keys_type' }),
    disable_stateful_session_resumption: unsupported(),
    session_timeout: ignored("Node's default TLS session timeout applies"),
    ocsp_staple_policy: unsupported(),
    full_scan_certs_for_sni: unsupported(),
    prefer_client_ciphers: unsupported(),
  },
  build: (v, ctx): DownstreamTlsContext | undefined => {
    const common = v.common_tls_context;
    if (common.tlsCertificates.length === 0 && common.tlsCertificateSdsSecretConfigs.length === 0) {
      ctx
        .field('common_tls_context')
        .error(
          ConfigIssueCode.invalid,
          'a server TLS context needs a certificate: set tls_certificates or tls_certificate_sds_secret_configs',
        );
      return undefined;
    }
    return {
      kind: 'downstream_tls',
      commonTlsContext: common,
      requireClientCertificate: v.require_client_certificate,
    };
  },
});

/** envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext: TLS to a cluster's endpoints. */
export const upstreamTlsContext = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  fields: {
    common_tls_context: withDefault(commonTlsContext, EMPTY_COMMON_TLS_CONTEXT),
    sni: withDefault(stringOf({ maxLength: 255 }), '', { note: 'empty: no SNI is sent' }),
    allow_renegotiation: unsupported(),
    max_session_keys: ignored("Node's TLS session cache applies"),
    enforce_rsa_key_usage: unsupported(),
    auto_host_sni: unsupported(),
    auto_sni_san_validation: unsupported(),
  },
  build: (v): UpstreamTlsContext => ({
    kind: 'upstream_tls',
    commonTlsContext: v.common_tls_context,
    sni: v.sni,
  }),
});
