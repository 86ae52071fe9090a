import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bootstrap,
  DOWNSTREAM_TLS_TYPE_URL,
  hcm,
  issues,
  listener,
  staticCluster,
  UPSTREAM_TLS_TYPE_URL,
} from '../testing/raw-config.ts';
import type { Bootstrap } from '../types.ts';
import { validateBootstrap } from '../validate/validate-bootstrap.ts';

const certFiles = {
  certificate_chain: { filename: '/etc/certs/cert.pem' },
  private_key: { filename: '/etc/certs/key.pem' },
};
const TS = 'static_resources.listeners[0].filter_chains[0].transport_socket';

function withTls(
  downstream: Record<string, unknown>,
  secrets?: Record<string, unknown>[],
  upstream?: Record<string, unknown>,
) {
  const l = listener('l', 443, hcm());
  (l.filter_chains as Record<string, unknown>[])[0]!.transport_socket = {
    name: 'envoy.transport_sockets.tls',
    typed_config: { '@type': DOWNSTREAM_TLS_TYPE_URL, ...downstream },
  };
  const transport_socket = upstream && {
    name: 'envoy.transport_sockets.tls',
    typed_config: { '@type': UPSTREAM_TLS_TYPE_URL, ...upstream },
  };
  return bootstrap({
    listeners: [l],
    clusters: [staticCluster('backend', '127.0.0.1', transport_socket && { transport_socket })],
    secrets,
  });
}

function valid(raw: unknown): Bootstrap {
  const result = validateBootstrap(raw);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.bootstrap;
}

function errors(raw: unknown) {
  const result = validateBootstrap(raw);
  assert.ok(!result.ok, 'expected the bootstrap to be rejected');
  return issues(result.errors);
}

describe('TLS', () => {
  it('reads a downstream TLS context with certificates, parameters, ALPN and SAN matchers', () => {
    const raw = withTls({
      require_client_certificate: true,
      common_tls_context: {
        tls_params: {
          tls_minimum_protocol_version: 'TLSv1_2',
          cipher_suites: ['ECDHE-ECDSA-AES128-GCM-SHA256'],
        },
        tls_certificates: [
          {
            certificate_chain: { inline_string: 'PEM' },
            private_key: { inline_bytes: 'S0VZ' },
            password: { environment_variable: 'KEY_PASS' },
          },
        ],
        alpn_protocols: ['h2', 'http/1.1'],
        validation_context: {
          trusted_ca: { filename: '/etc/ca.pem' },
          match_typed_subject_alt_names: [
            { san_type: 'URI', matcher: { prefix: 'spiffe://cluster.local/' } },
          ],
          match_subject_alt_names: [{ exact: 'a.example.com' }],
        },
      },
    });
    const tls = valid(raw).staticResources.listeners[0]!.filterChains[0]!.transportSocket;
    assert.deepEqual(tls, {
      kind: 'downstream_tls',
      requireClientCertificate: true,
      commonTlsContext: {
        tlsParams: {
          minimumProtocolVersion: 'TLSv1_2',
          maximumProtocolVersion: 'TLS_AUTO',
          cipherSuites: ['ECDHE-ECDSA-AES128-GCM-SHA256'],
          ecdhCurves: [],
        },
        tlsCertificates: [
          {
            certificateChain: { kind: 'inlineString', value: 'PEM' },
            privateKey: { kind: 'inlineBytes', value: new Uint8Array(Buffer.from('KEY')) },
            password: { kind: 'environmentVariable', name: 'KEY_PASS' },
          },
        ],
        tlsCertificateSdsSecretConfigs: [],
        validationContext: {
          trustedCa: { kind: 'filename', filename: '/etc/ca.pem' },
          matchSubjectAltNames: [
            {
              sanType: 'URI',
              matcher: { kind: 'prefix', value: 'spiffe://cluster.local/', ignoreCase: false },
            },
            { sanType: 'ANY', matcher: { kind: 'exact', value: 'a.example.com', ignoreCase: false } },
          ],
        },
        validationContextSdsSecretConfig: undefined,
        alpnProtocols: ['h2', 'http/1.1'],
      },
    });
  });

  it('needs a certificate on the server side and one data source per DataSource', () => {
    assert.deepEqual(errors(withTls({})), [
      [
        `${TS}.typed_config.common_tls_context`,
        'listener "l": a server TLS context needs a certificate: set tls_certificates or tls_certificate_sds_secret_configs',
      ],
    ]);
    const twoSources = {
      certificate_chain: { filename: '/a', inline_string: 'b' },
      private_key: { filename: '/k' },
    };
    assert.deepEqual(errors(withTls({ common_tls_context: { tls_certificates: [twoSources] } })), [
      [
        `${TS}.typed_config.common_tls_context.tls_certificates[0].certificate_chain`,
        'listener "l": only one of "filename" and "inline_string" may be set (oneof specifier)',
      ],
    ]);
  });

  it('resolves SDS secret names against static secrets, by kind', () => {
    const secrets = [
      { name: 'cert', tls_certificate: certFiles },
      { name: 'ca', validation_context: { trusted_ca: { filename: '/etc/ca.pem' } } },
    ];
    const ok = withTls(
      {
        common_tls_context: {
          tls_certificate_sds_secret_configs: [{ name: 'cert' }],
          combined_validation_context: {
            default_validation_context: { match_typed_subject_alt_names: [] },
            validation_context_sds_secret_config: { name: 'ca' },
          },
        },
      },
      secrets,
    );
    const context =
      valid(ok).staticResources.listeners[0]!.filterChains[0]!.transportSocket!.commonTlsContext;
    assert.deepEqual(context.tlsCertificateSdsSecretConfigs, ['cert']);
    assert.equal(context.validationContextSdsSecretConfig, 'ca');
    assert.deepEqual(context.validationContext, { trustedCa: undefined, matchSubjectAltNames: [] });
    const bad = withTls(
      {
        common_tls_context: {
          tls_certificate_sds_secret_configs: [{ name: 'ca' }, { name: 'nope' }],
          validation_context_sds_secret_config: { name: 'cert' },
        },
      },
      secrets,
    );
    assert.deepEqual(errors(bad), [
      [
        `${TS}.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].name`,
        'listener "l": secret "ca" holds a validation_context, but a tls_certificate is needed here',
      ],
      [
        `${TS}.typed_config.common_tls_context.tls_certificate_sds_secret_configs[1].name`,
        'listener "l": secret "nope" is not defined in static_resources.secrets',
      ],
      [
        `${TS}.typed_config.common_tls_context.validation_context_sds_secret_config.name`,
        'listener "l": secret "cert" holds a tls_certificate, but a validation_context is needed here',
      ],
    ]);
  });

  it('reads an upstream TLS context and accepts raw_buffer as plaintext', () => {
    const up = valid(
      withTls({ common_tls_context: { tls_certificates: [certFiles] } }, undefined, {
        sni: 'backend.example.com',
      }),
    );
    assert.deepEqual(up.staticResources.clusters[0]!.transportSocket, {
      kind: 'upstream_tls',
      sni: 'backend.example.com',
      commonTlsContext: {
        tlsParams: undefined,
        tlsCertificates: [],
        tlsCertificateSdsSecretConfigs: [],
        validationContext: undefined,
        validationContextSdsSecretConfig: undefined,
        alpnProtocols: [],
      },
    });
    const plain = bootstrap({
      clusters: [
        staticCluster('backend', '127.0.0.1', {
          transport_socket: { name: 'envoy.transport_sockets.raw_buffer' },
        }),
      ],
    });
    assert.equal(valid(plain).staticResources.clusters[0]!.transportSocket, undefined);
  });

  it('rejects a downstream context where an upstream one belongs', () => {
    const wrong = bootstrap({
      clusters: [
        staticCluster('backend', '127.0.0.1', {
          transport_socket: { name: 'tls', typed_config: { '@type': DOWNSTREAM_TLS_TYPE_URL } },
        }),
      ],
    });
    assert.deepEqual(errors(wrong), [
      [
        'static_resources.clusters[0].transport_socket.typed_config',
        `cluster "backend": unknown upstream transport socket type URL "${DOWNSTREAM_TLS_TYPE_URL}"; Tandem supports ${UPSTREAM_TLS_TYPE_URL}, type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer`,
      ],
    ]);
  });
});
