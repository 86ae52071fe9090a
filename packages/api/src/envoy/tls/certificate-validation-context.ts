import { dataSource } from '../core/data-source.ts';
import { stringMatcher } from '../core/string-matcher.ts';
import { enumOf } from '../schema/enum.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import type { CertificateValidationContext, SanMatcher } from '../types.ts';

const sanType = enumOf(
  'SubjectAltNameMatcher.SanType',
  { SAN_TYPE_UNSPECIFIED: 0, EMAIL: 1, DNS: 2, URI: 3, IP_ADDRESS: 4, OTHER_NAME: 5 },
  ['EMAIL', 'DNS', 'URI', 'IP_ADDRESS'],
);

const subjectAltNameMatcher = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher',
  fields: { san_type: required(sanType), matcher: required(stringMatcher), oid: unsupported() },
  build: (v): SanMatcher => ({ sanType: v.san_type, matcher: v.matcher }),
});

/** envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext: how a peer certificate is checked. */
export const certificateValidationContext = message({
  name: 'envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext',
  fields: {
    trusted_ca: optional(dataSource, {
      note: 'PEM bundle; unset means the peer certificate is not verified',
    }),
    watched_directory: ignored('certificates are read when the config is loaded'),
    verify_certificate_spki: unsupported(),
    verify_certificate_hash: unsupported(),
    match_typed_subject_alt_names: repeated(subjectAltNameMatcher),
    match_subject_alt_names: repeated(stringMatcher, { deprecated: true, note: 'matches a SAN of any type' }),
    require_signed_certificate_timestamp: unsupported(),
    crl: unsupported(),
    allow_expired_certificate: unsupported(),
    trust_chain_verification: withDefault(
      enumOf('TrustChainVerification', { VERIFY_TRUST_CHAIN: 0, ACCEPT_UNTRUSTED: 1 }, [
        'VERIFY_TRUST_CHAIN',
      ]),
      'VERIFY_TRUST_CHAIN',
    ),
    custom_validator_config: unsupported(),
    only_verify_leaf_cert_crl: unsupported(),
    max_verify_depth: unsupported(),
    system_root_certs: unsupported(),
  },
  build: (v): CertificateValidationContext => ({
    trustedCa: v.trusted_ca,
    matchSubjectAltNames: [
      ...v.match_typed_subject_alt_names,
      ...v.match_subject_alt_names.map((matcher): SanMatcher => ({ sanType: 'ANY', matcher })),
    ],
  }),
});
