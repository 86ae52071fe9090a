import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommonTlsContext, DataSource, Secret, TlsCertificate } from '@tandem/api';
import { buildClientTlsOptions } from './client-tls-options.ts';
import { secretLookup } from './secret-resolution.ts';
import { buildServerTlsOptions } from './server-tls-options.ts';
import {
  CLIENT_SPIFFE_ID,
  createTestPki,
  KEY_PASSWORD,
  SERVER_SPIFFE_ID,
  type TestPki,
} from './testing/test-pki.ts';
import { commonTls, fileSource, uriSan } from './testing/tls-loopback.ts';
import { buildTlsContext } from './tls-context.ts';

const noSecrets = secretLookup([]);
const inline = (value: string): DataSource => ({ kind: 'inlineString', value });

describe('buildTlsContext config errors', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.remove());

  const serverCert = (overrides: Partial<TlsCertificate> = {}): TlsCertificate => ({
    certificateChain: fileSource(pki.file('server.pem')),
    privateKey: fileSource(pki.file('server.key')),
    password: undefined,
    ...overrides,
  });
  const build = (common: CommonTlsContext, env?: Record<string, string>, secrets = noSecrets) =>
    buildTlsContext(common, secrets, { role: 'server', target: 'listener "in"', env });
  const expectError = (fn: () => unknown, field: string, reason: RegExp) =>
    assert.throws(fn, (err: Error & { code?: string; field?: string }) => {
      assert.equal(err.code, 'TANDEM_ERR_TLS_CONFIG');
      assert.equal(err.field?.split(' (')[0], field);
      assert.match(err.message, /^tls config for listener "in": /);
      assert.match(err.message, reason);
      return true;
    });

  it('builds from files, inline strings, inline bytes and environment variables', () => {
    const fromFiles = build(commonTls({ tlsCertificates: [serverCert()] }));
    assert.equal(fromFiles.certificates[0].leaf.subjectAltName?.includes(SERVER_SPIFFE_ID), true);
    build(commonTls({ tlsCertificates: [serverCert({ certificateChain: inline(pki.pem('server.pem')) })] }));
    const bytes: DataSource = { kind: 'inlineBytes', value: new TextEncoder().encode(pki.pem('server.key')) };
    build(commonTls({ tlsCertificates: [serverCert({ privateKey: bytes })] }));
    const env = { SERVER_KEY: pki.pem('server.key') };
    build(
      commonTls({
        tlsCertificates: [serverCert({ privateKey: { kind: 'environmentVariable', name: 'SERVER_KEY' } })],
      }),
      env,
    );
  });

  it('names the field and file when a file is missing', () => {
    const missing = serverCert({ privateKey: fileSource('/nonexistent/key.pem') });
    expectError(
      () => build(commonTls({ tlsCertificates: [missing] })),
      'common_tls_context.tls_certificates[0].private_key',
      /private_key \(file "\/nonexistent\/key\.pem"\): file not found$/,
    );
  });

  it('reports a directory, an empty source and an unset environment variable', () => {
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert({ certificateChain: fileSource(pki.dir) })] })),
      'common_tls_context.tls_certificates[0].certificate_chain',
      /is a directory/,
    );
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert({ certificateChain: inline('') })] })),
      'common_tls_context.tls_certificates[0].certificate_chain',
      /\(inline string\): is empty/,
    );
    const unset = serverCert({ privateKey: { kind: 'environmentVariable', name: 'TANDEM_NOT_SET' } });
    expectError(
      () => build(commonTls({ tlsCertificates: [unset] }), {}),
      'common_tls_context.tls_certificates[0].private_key',
      /environment variable "TANDEM_NOT_SET"\): environment variable is not set/,
    );
  });

  it('reports bad PEM for certificates, keys and CAs', () => {
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert({ certificateChain: inline('not a cert') })] })),
      'common_tls_context.tls_certificates[0].certificate_chain',
      /bad PEM: no "BEGIN CERTIFICATE" block/,
    );
    const corrupt = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert({ certificateChain: inline(corrupt) })] })),
      'common_tls_context.tls_certificates[0].certificate_chain',
      /bad PEM: certificate #1 does not parse/,
    );
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert({ privateKey: inline('garbage') })] })),
      'common_tls_context.tls_certificates[0].private_key',
      /bad PEM: private key does not parse/,
    );
    const badCa = { trustedCa: inline('nope'), matchSubjectAltNames: [] };
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert()], validationContext: badCa })),
      'common_tls_context.validation_context.trusted_ca',
      /bad PEM/,
    );
  });

  it('reports a key that does not match the certificate', () => {
    expectError(
      () =>
        build(
          commonTls({ tlsCertificates: [serverCert({ privateKey: fileSource(pki.file('client.key')) })] }),
        ),
      'common_tls_context.tls_certificates[0].private_key',
      /client\.key"\): private key does not match the certificate/,
    );
  });

  it('decrypts a password-protected key and reports a missing or wrong password', () => {
    const encrypted = fileSource(pki.file('server-encrypted.key'));
    build(
      commonTls({ tlsCertificates: [serverCert({ privateKey: encrypted, password: inline(KEY_PASSWORD) })] }),
    );
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert({ privateKey: encrypted })] })),
      'common_tls_context.tls_certificates[0].private_key',
      /encrypted and no password is configured/,
    );
    expectError(
      () =>
        build(
          commonTls({ tlsCertificates: [serverCert({ privateKey: encrypted, password: inline('wrong') })] }),
        ),
      'common_tls_context.tls_certificates[0].private_key',
      /wrong password for the encrypted private key$/,
    );
  });

  it('requires a certificate for a server but not for a client', () => {
    expectError(() => build(commonTls()), 'common_tls_context.tls_certificates', /at least one certificate/);
    buildTlsContext(commonTls(), noSecrets, { role: 'client' });
  });

  it('rejects SAN matchers without a trusted CA, and bad regexes', () => {
    const noCa = { trustedCa: undefined, matchSubjectAltNames: [uriSan(CLIENT_SPIFFE_ID)] };
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert()], validationContext: noCa })),
      'common_tls_context.validation_context.match_subject_alt_names',
      /without a trusted CA/,
    );
    const badRegex = {
      trustedCa: fileSource(pki.file('ca.pem')),
      matchSubjectAltNames: [
        { sanType: 'URI' as const, matcher: { kind: 'safeRegex' as const, regex: '(', ignoreCase: false } },
      ],
    };
    expectError(
      () => build(commonTls({ tlsCertificates: [serverCert()], validationContext: badRegex })),
      'common_tls_context.validation_context.match_subject_alt_names',
      /invalid matcher/,
    );
  });

  it('rejects require_client_certificate without a trusted CA', () => {
    assert.throws(
      () =>
        buildServerTlsOptions(
          {
            kind: 'downstream_tls',
            requireClientCertificate: true,
            commonTlsContext: commonTls({ tlsCertificates: [serverCert()] }),
          },
          noSecrets,
        ),
      { code: 'TANDEM_ERR_TLS_CONFIG', field: 'require_client_certificate' },
    );
  });

  it('validates tls_params', () => {
    const params = (p: Partial<NonNullable<CommonTlsContext['tlsParams']>>) =>
      commonTls({
        tlsCertificates: [serverCert()],
        tlsParams: {
          minimumProtocolVersion: 'TLS_AUTO',
          maximumProtocolVersion: 'TLS_AUTO',
          cipherSuites: [],
          ecdhCurves: [],
          ...p,
        },
      });
    build(
      params({
        cipherSuites: [
          '[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]',
          'ECDHE-RSA-AES128-GCM-SHA256',
        ],
      }),
    );
    expectError(
      () => build(params({ cipherSuites: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'NOT-A-CIPHER'] })),
      'common_tls_context.tls_params.cipher_suites',
      /unknown cipher suite: NOT-A-CIPHER$/,
    );
    expectError(
      () => build(params({ ecdhCurves: ['P-256', 'P-999'] })),
      'common_tls_context.tls_params.ecdh_curves',
      /P-999/,
    );
    expectError(
      () => build(params({ minimumProtocolVersion: 'TLSv1_3', maximumProtocolVersion: 'TLSv1_2' })),
      'common_tls_context.tls_params',
      /minimum protocol version TLSv1\.3 is above maximum TLSv1\.2/,
    );
  });
});

describe('secrets by name', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.remove());

  const secrets = (): Secret[] => [
    {
      name: 'default',
      kind: 'tlsCertificate',
      tlsCertificate: {
        certificateChain: fileSource(pki.file('server.pem')),
        privateKey: fileSource(pki.file('server.key')),
        password: undefined,
      },
    },
    {
      name: 'ROOTCA',
      kind: 'validationContext',
      validationContext: { trustedCa: fileSource(pki.file('ca.pem')), matchSubjectAltNames: [] },
    },
  ];

  it('resolves certificate and validation-context secrets, merging inline SAN matchers (Istio style)', () => {
    const serverTls = buildServerTlsOptions(
      {
        kind: 'downstream_tls',
        requireClientCertificate: true,
        commonTlsContext: commonTls({
          tlsCertificateSdsSecretConfigs: ['default'],
          validationContext: { trustedCa: undefined, matchSubjectAltNames: [uriSan(CLIENT_SPIFFE_ID)] },
          validationContextSdsSecretConfig: 'ROOTCA',
        }),
      },
      secretLookup(secrets()),
    );
    assert.equal(serverTls.requestCert, true);
    assert.equal(serverTls.rejectUnauthorized, true);
    assert.ok(serverTls.tlsContext.validation.trustedCaPem?.includes('BEGIN CERTIFICATE'));
    assert.ok(serverTls.tlsContext.validation.matchSans);
  });

  it('reports a missing secret and a secret of the wrong kind', () => {
    const common = commonTls({ tlsCertificateSdsSecretConfigs: ['nope'] });
    assert.throws(
      () =>
        buildClientTlsOptions(
          { kind: 'upstream_tls', sni: '', commonTlsContext: common },
          secretLookup(secrets()),
        ),
      {
        code: 'TANDEM_ERR_TLS_CONFIG',
        message: /tls_certificate_sds_secret_configs\[0\]: secret "nope" not found/,
      },
    );
    const wrongKind = commonTls({ validationContextSdsSecretConfig: 'default' });
    assert.throws(
      () =>
        buildClientTlsOptions(
          { kind: 'upstream_tls', sni: '', commonTlsContext: wrongKind },
          secretLookup(secrets()),
        ),
      {
        message: /secret "default" is a tlsCertificate, expected a validationContext/,
      },
    );
  });

  it('names the secret when its file is missing', () => {
    const broken: Secret = {
      name: 'default',
      kind: 'tlsCertificate',
      tlsCertificate: {
        certificateChain: fileSource('/missing/cert.pem'),
        privateKey: fileSource('/missing/key.pem'),
        password: undefined,
      },
    };
    assert.throws(
      () =>
        buildClientTlsOptions(
          {
            kind: 'upstream_tls',
            sni: '',
            commonTlsContext: commonTls({ tlsCertificateSdsSecretConfigs: ['default'] }),
          },
          secretLookup([broken]),
          { target: 'cluster "reviews"' },
        ),
      {
        message:
          'tls config for cluster "reviews": secret "default".tls_certificate.certificate_chain (file "/missing/cert.pem"): file not found',
      },
    );
  });

  it('uses the server SPIFFE id fixture', () => {
    assert.ok(pki.pem('server.pem').includes('BEGIN CERTIFICATE'));
    assert.ok(SERVER_SPIFFE_ID.startsWith('spiffe://'));
  });
});
