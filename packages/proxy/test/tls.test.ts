/**
 * TLS at the listener and towards upstreams, with real clients: curl negotiates h2 via ALPN on a
 * TLS listener, `openssl s_client` sees the chosen protocol and the SNI-selected filter chain,
 * mutual TLS rejects a client without a certificate, and a cluster originates TLS to an HTTPS
 * backend while verifying its SAN.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestPki, SERVER_SPIFFE_ID, type TestPki } from '../src/tls/testing/test-pki.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl, run } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const DOWNSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const TLS_INSPECTOR = 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector';

function downstreamTls(
  pki: TestPki,
  extra: Record<string, unknown> = {},
  common: Record<string, unknown> = {},
) {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': DOWNSTREAM_TLS,
      common_tls_context: {
        alpn_protocols: ['h2', 'http/1.1'],
        tls_certificates: [
          {
            certificate_chain: { filename: pki.file('server.pem') },
            private_key: { filename: pki.file('server.key') },
          },
        ],
        ...common,
      },
      ...extra,
    },
  };
}

function startHttpsBackend(pki: TestPki): Promise<{ server: https.Server; port: number }> {
  const server = https.createServer(
    { cert: pki.pem('server.pem'), key: pki.pem('server.key') },
    (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        `secure backend saw ${req.url} over ${(req.socket as { alpnProtocol?: string }).alpnProtocol || 'http/1.1'}`,
      );
    },
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    ),
  );
}

describe('TLS', () => {
  let pki: TestPki;
  let echo: Backend;
  let secure: { server: https.Server; port: number };
  let proxy: RunningProxy;

  before(async () => {
    pki = createTestPki();
    echo = await startEchoBackend('plain');
    secure = await startHttpsBackend(pki);
    const rc = routeConfig([
      { match: { prefix: '/upstream-tls' }, route: { cluster: 'secure' } },
      { match: { prefix: '/' }, route: { cluster: 'plain' } },
    ]);
    const mtls = {
      require_client_certificate: true,
    };
    const upstreamTls = {
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: {
          '@type': UPSTREAM_TLS,
          sni: 'server.example.com',
          common_tls_context: {
            validation_context: {
              trusted_ca: { filename: pki.file('ca.pem') },
              match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: SERVER_SPIFFE_ID } }],
            },
          },
        },
      },
    };
    proxy = await startProxy(
      bootstrap(
        [
          listener(
            'tls',
            [
              {
                filter_chain_match: { server_names: ['mtls.svc.example.com'] },
                filters: [hcm(rc, { stat_prefix: 'mtls' })],
                transport_socket: downstreamTls(pki, mtls, {
                  validation_context: { trusted_ca: { filename: pki.file('ca.pem') } },
                }),
              },
              { filters: [hcm(rc)], transport_socket: downstreamTls(pki) },
            ],
            {
              listener_filters: [
                { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': TLS_INSPECTOR } },
              ],
            },
          ),
        ],
        [staticCluster('plain', [echo.port]), staticCluster('secure', [secure.port], upstreamTls)],
      ),
    );
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
    secure?.server.close();
    pki?.remove();
  });

  const url = (path: string, host = 'server.example.com') => [
    '--cacert',
    pki.file('ca.pem'),
    '--resolve',
    `${host}:${proxy.port()}:127.0.0.1`,
    `https://${host}:${proxy.port()}${path}`,
  ];

  it('terminates TLS and negotiates h2 with curl via ALPN', async () => {
    const r = await curl(['--http2', '-w', '\n%{http_version}', ...url('/hello')]);
    assert.equal(r.status, 200);
    const [body, version] = r.body.split('\n');
    assert.equal(JSON.parse(body!).headers['x-forwarded-proto'], 'https');
    assert.equal(version, '2');
  });

  it('serves HTTP/1.1 over TLS when the client offers only http/1.1', async () => {
    const r = await curl(['--http1.1', '-w', '\n%{http_version}', ...url('/hello')]);
    assert.equal(r.status, 200);
    assert.equal(r.body.split('\n')[1], '1.1');
  });

  it('shows the negotiated ALPN and a verified chain to openssl s_client', async () => {
    const r = await run(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${proxy.port()}`,
        '-servername',
        'server.example.com',
        '-alpn',
        'h2',
        '-CAfile',
        pki.file('ca.pem'),
      ],
      { input: '', timeoutMs: 10000 },
    );
    const out = r.stdout + r.stderr;
    assert.match(out, /ALPN protocol: h2/);
    assert.match(out, /Verification: OK/);
  });

  it('selects the mTLS filter chain by SNI and rejects a client without a certificate', async () => {
    const refused = await curl(url('/x', 'mtls.svc.example.com'));
    assert.equal(refused.status, 0);
    const ok = await curl([
      '--cert',
      pki.file('client.pem'),
      '--key',
      pki.file('client.key'),
      ...url('/x', 'mtls.svc.example.com'),
    ]);
    assert.equal(ok.status, 200);
    const stats = await curl([`http://127.0.0.1:${proxy.adminPort}/stats?filter=mtls.downstream_rq_total`]);
    assert.match(stats.body, /http\.mtls\.downstream_rq_total: 1/);
  });

  it('originates TLS to an upstream and verifies its SAN', async () => {
    const r = await curl(url('/upstream-tls/a'));
    assert.equal(r.status, 200);
    assert.equal(r.body, 'secure backend saw /upstream-tls/a over http/1.1');
  });
});
