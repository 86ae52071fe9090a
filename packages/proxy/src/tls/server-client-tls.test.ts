import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DownstreamTlsContext, SanMatcher, UpstreamTlsContext } from '@tandem/api';
import { buildClientTlsOptions } from './client-tls-options.ts';
import { secretLookup } from './secret-resolution.ts';
import { buildServerTlsOptions } from './server-tls-options.ts';
import { CLIENT_SPIFFE_ID, createTestPki, SERVER_SPIFFE_ID, type TestPki } from './testing/test-pki.ts';
import { commonTls, connectAndPing, fileSource, startEchoServer, uriSan } from './testing/tls-loopback.ts';

const noSecrets = secretLookup([]);

describe('server and client TLS over loopback', () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki.remove());

  const cert = (name: string) => ({
    certificateChain: fileSource(pki.file(`${name}.pem`)),
    privateKey: fileSource(pki.file(`${name}.key`)),
    password: undefined,
  });

  function downstream(opts: { require?: boolean; sans?: SanMatcher[]; ca?: boolean; alpn?: string[] } = {}) {
    const ctx: DownstreamTlsContext = {
      kind: 'downstream_tls',
      requireClientCertificate: opts.require ?? false,
      commonTlsContext: commonTls({
        tlsCertificates: [cert('server')],
        alpnProtocols: opts.alpn ?? [],
        validationContext:
          opts.ca === false
            ? undefined
            : { trustedCa: fileSource(pki.file('ca.pem')), matchSubjectAltNames: opts.sans ?? [] },
      }),
    };
    return buildServerTlsOptions(ctx, noSecrets, { target: 'listener "test"' });
  }

  function upstream(
    opts: { client?: string; sans?: SanMatcher[]; ca?: boolean; alpn?: string[]; sni?: string } = {},
  ) {
    const ctx: UpstreamTlsContext = {
      kind: 'upstream_tls',
      sni: opts.sni ?? 'server.example.com',
      commonTlsContext: commonTls({
        tlsCertificates: opts.client ? [cert(opts.client)] : [],
        alpnProtocols: opts.alpn ?? [],
        validationContext:
          opts.ca === false
            ? undefined
            : { trustedCa: fileSource(pki.file('ca.pem')), matchSubjectAltNames: opts.sans ?? [] },
      }),
    };
    return buildClientTlsOptions(ctx, noSecrets, { target: 'cluster "test"' });
  }

  async function handshake(serverTls: ReturnType<typeof downstream>, clientTls: ReturnType<typeof upstream>) {
    const server = await startEchoServer(serverTls);
    try {
      const [client, outcome] = await Promise.all([
        connectAndPing(clientTls, server.port),
        server.nextOutcome(),
      ]);
      return { client, server: outcome };
    } finally {
      await server.close();
    }
  }

  it('completes mutual TLS with SPIFFE SAN checks on both sides', async () => {
    const r = await handshake(
      downstream({ require: true, sans: [uriSan(CLIENT_SPIFFE_ID)] }),
      upstream({ client: 'client', sans: [uriSan(SERVER_SPIFFE_ID)] }),
    );
    assert.equal(r.client.ok, true);
    assert.equal(r.server.error, undefined);
    assert.match(r.server.peerSubjectAltName ?? '', /spiffe:\/\/cluster\.local\/ns\/default\/sa\/client/);
    assert.equal(r.server.protocol, 'TLSv1.2', 'Envoy clients default to TLS 1.2 at most');
  });

  it('negotiates ALPN h2 and http/1.1', async () => {
    const h2 = await handshake(
      downstream({ alpn: ['h2', 'http/1.1'] }),
      upstream({ alpn: ['h2', 'http/1.1'] }),
    );
    assert.equal(h2.client.alpn, 'h2');
    assert.equal(h2.server.alpn, 'h2');
    const h1 = await handshake(downstream({ alpn: ['h2', 'http/1.1'] }), upstream({ alpn: ['http/1.1'] }));
    assert.equal(h1.client.alpn, 'http/1.1');
    const none = await handshake(downstream({ alpn: ['h2'] }), upstream());
    assert.equal(none.client.alpn, false);
  });

  it('sends SNI only when configured', async () => {
    const withSni = await handshake(downstream(), upstream({ sni: 'server.example.com' }));
    assert.equal(withSni.server.servername, 'server.example.com');
    const without = await handshake(downstream(), upstream({ sni: '' }));
    assert.equal(without.server.servername, false);
  });

  it('require_client_certificate rejects a client without a certificate', async () => {
    const r = await handshake(downstream({ require: true }), upstream());
    assert.equal(r.client.ok, false);
    assert.ok(r.server.error, 'the server reports the failed handshake');
  });

  it('accepts a client without a certificate when one is only requested', async () => {
    const r = await handshake(downstream({ require: false }), upstream());
    assert.equal(r.client.ok, true);
    assert.equal(r.server.peerSubjectAltName, undefined);
  });

  it('rejects a presented client certificate from an untrusted CA even when optional', async () => {
    const r = await handshake(downstream({ require: false }), upstream({ client: 'rogue' }));
    assert.equal(r.client.ok, false);
    assert.equal((r.server.error as { code?: string }).code, 'TANDEM_ERR_TLS_PEER');
    assert.match(r.server.error?.message ?? '', /client certificate verify failed: \w+/);
  });

  it('rejects a client whose SAN does not match', async () => {
    const r = await handshake(
      downstream({ sans: [uriSan('spiffe://cluster.local/ns/prod/sa/other')] }),
      upstream({ client: 'client' }),
    );
    assert.equal(r.client.ok, false);
    assert.match(
      r.server.error?.message ?? '',
      /no client certificate SAN matches \(SANs: URI:spiffe:.*EMAIL:client@example.com\)/,
    );
  });

  it('SAN matchers make the client certificate mandatory', async () => {
    const r = await handshake(downstream({ sans: [uriSan(CLIENT_SPIFFE_ID)] }), upstream());
    assert.equal(r.client.ok, false);
  });

  it('the client rejects a server whose SAN does not match', async () => {
    const r = await handshake(
      downstream(),
      upstream({ sans: [uriSan('spiffe://cluster.local/ns/default/sa/bar')] }),
    );
    assert.equal(r.client.ok, false);
    assert.equal((r.client.error as { code?: string }).code, 'TANDEM_ERR_TLS_PEER');
  });

  it('the client does not check the hostname, only SAN matchers', async () => {
    const r = await handshake(downstream(), upstream({ sni: 'unrelated.example.org' }));
    assert.equal(r.client.ok, true);
  });

  it('without a trusted CA the client does not verify the server at all', async () => {
    const clientTls = upstream({ ca: false });
    assert.equal(clientTls.rejectUnauthorized, false);
    const r = await handshake(downstream(), clientTls);
    assert.equal(r.client.ok, true);
  });

  it('with a trusted CA the client rejects a server from another CA', async () => {
    const server = buildServerTlsOptions(
      {
        kind: 'downstream_tls',
        requireClientCertificate: false,
        commonTlsContext: commonTls({ tlsCertificates: [cert('rogue')] }),
      },
      noSecrets,
    );
    const r = await handshake(server, upstream());
    assert.equal(r.client.ok, false);
    assert.match(
      (r.client.error as { code?: string }).code ?? '',
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/,
    );
  });

  it('honours tls_params protocol versions', async () => {
    const server = buildServerTlsOptions(
      {
        kind: 'downstream_tls',
        requireClientCertificate: false,
        commonTlsContext: commonTls({
          tlsCertificates: [cert('server')],
          tlsParams: {
            minimumProtocolVersion: 'TLSv1_3',
            maximumProtocolVersion: 'TLS_AUTO',
            cipherSuites: [],
            ecdhCurves: [],
          },
        }),
      },
      noSecrets,
    );
    const tls12Client = await handshake(server, upstream());
    assert.equal(tls12Client.client.ok, false, 'a TLS 1.2-max client cannot reach a TLS 1.3-min server');
    const tls13 = buildClientTlsOptions(
      {
        kind: 'upstream_tls',
        sni: '',
        commonTlsContext: commonTls({
          validationContext: { trustedCa: fileSource(pki.file('ca.pem')), matchSubjectAltNames: [] },
          tlsParams: {
            minimumProtocolVersion: 'TLS_AUTO',
            maximumProtocolVersion: 'TLSv1_3',
            cipherSuites: [],
            ecdhCurves: ['X25519'],
          },
        }),
      },
      noSecrets,
    );
    const r = await handshake(server, tls13);
    assert.equal(r.client.ok, true);
    assert.equal(r.client.protocol, 'TLSv1.3');
  });

  it('shares one SecureContext per built config', () => {
    const serverTls = downstream();
    assert.equal(serverTls.secureContext, serverTls.tlsContext.secureContext);
    assert.ok(Object.isFrozen(serverTls));
  });
});

describe('Istio sample certificates (read by path)', () => {
  const dir = '/work/shared/testdata/istio/certs';
  const workload = (name: string) => ({
    certificateChain: fileSource(`${dir}/workload-${name}-cert.pem`),
    privateKey: fileSource(`${dir}/workload-${name}-key.pem`),
    password: undefined,
  });
  const validation = (spiffe: string) => ({
    trustedCa: fileSource(`${dir}/root-cert.pem`),
    matchSubjectAltNames: [uriSan(spiffe)],
  });

  it('foo and bar complete mTLS through the Istio intermediate CA', async () => {
    const serverTls = buildServerTlsOptions(
      {
        kind: 'downstream_tls',
        requireClientCertificate: true,
        commonTlsContext: commonTls({
          tlsCertificates: [workload('foo')],
          validationContext: validation('spiffe://trust-domain-bar/ns/bar/sa/bar'),
          alpnProtocols: ['istio-peer-exchange', 'h2'],
        }),
      },
      noSecrets,
    );
    const clientTls = buildClientTlsOptions(
      {
        kind: 'upstream_tls',
        sni: 'outbound_.8080_._.foo.foo.svc.cluster.local',
        commonTlsContext: commonTls({
          tlsCertificates: [workload('bar')],
          validationContext: validation('spiffe://trust-domain-foo/ns/foo/sa/foo'),
          alpnProtocols: ['istio-peer-exchange', 'istio'],
        }),
      },
      noSecrets,
    );
    const server = await startEchoServer(serverTls);
    try {
      const [client, outcome] = await Promise.all([
        connectAndPing(clientTls, server.port),
        server.nextOutcome(),
      ]);
      assert.equal(client.ok, true, client.error?.message);
      assert.equal(outcome.alpn, 'istio-peer-exchange');
      assert.equal(outcome.peerSubjectAltName, 'URI:spiffe://trust-domain-bar/ns/bar/sa/bar');
    } finally {
      await server.close();
    }
  });
});
