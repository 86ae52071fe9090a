import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { errorsOf, rawObject, valid, warningsOf } from '../testing/raw-objects.ts';
import { readIstioConfig } from '../validate/read-istio-config.ts';
import { validateIstioObject } from '../validate/validate-istio-object.ts';
import { resolveGatewayName } from './gateway-names.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../../../../shared/testdata/istio/samples');

const HTTP = { number: 80, name: 'http', protocol: 'HTTP' };
const HTTPS = { number: 443, name: 'https', protocol: 'HTTPS' };
const server = (extra: Record<string, unknown> = {}) => ({ port: HTTP, hosts: ['*'], ...extra });
const gw = (...servers: unknown[]) => ({ selector: { istio: 'ingressgateway' }, servers });

describe('Gateway', () => {
  it('reads the bookinfo Gateway (Istio sample, read in place) into the typed shape', () => {
    const file = path.join(SAMPLES, 'bookinfo/networking/bookinfo-gateway.yaml');
    const read = readIstioConfig(readFileSync(file, 'utf8'), 'bookinfo-gateway.yaml');
    assert.deepEqual(
      read.issues.map((i) => i.message),
      [],
    );
    const gateway = read.objects.find((o) => o.kind === 'Gateway');
    assert.deepEqual(gateway?.spec, {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 8080, name: 'http', protocol: 'HTTP', targetPort: 0 },
          bind: '',
          hosts: ['*'],
          tls: undefined,
          name: '',
        },
      ],
    });
  });

  it('accepts every host form and TLS settings with their defaults', () => {
    const o = valid(
      'Gateway',
      gw(
        server({ hosts: ['*', 'ns1/a.example.com', './*.example.com', '*/b.example.com', '10.0.0.1'] }),
        server({
          port: HTTPS,
          hosts: ['secure.example.com'],
          tls: {
            mode: 'MUTUAL',
            serverCertificate: '/etc/certs/cert.pem',
            privateKey: '/etc/certs/key.pem',
            caCertificates: '/etc/certs/ca.pem',
            subjectAltNames: ['client.example.com'],
            minProtocolVersion: 'TLSV1_2',
          },
        }),
        server({ port: { number: 81, name: 'redirect', protocol: 'HTTP' }, tls: { httpsRedirect: true } }),
      ),
    );
    assert.deepEqual(o.spec.servers[1]!.tls, {
      httpsRedirect: false,
      mode: 'MUTUAL',
      serverCertificate: '/etc/certs/cert.pem',
      privateKey: '/etc/certs/key.pem',
      caCertificates: '/etc/certs/ca.pem',
      credentialName: '',
      subjectAltNames: ['client.example.com'],
      minProtocolVersion: 'TLSV1_2',
      maxProtocolVersion: 'TLS_AUTO',
      cipherSuites: [],
    });
    assert.equal(o.spec.servers[2]!.tls?.mode, 'PASSTHROUGH');
    assert.equal(o.spec.servers[2]!.tls?.httpsRedirect, true);
  });

  it('rejects bad servers, naming the object, the field and the reason', () => {
    const r = validateIstioObject(rawObject('Gateway', gw(server({ hosts: ['foo'] })), 'edge'), 'gw.yaml');
    assert.equal(r.ok, false);
    assert.deepEqual(r.ok ? [] : r.errors.map((e) => e.message), [
      'gw.yaml: Gateway default/edge: spec.servers[0].hosts[0]: host "foo": short names are not allowed, use a fully qualified name (or "*")',
    ]);
    const cases: [unknown, string[]][] = [
      [{ selector: { istio: 'x' }, servers: [] }, ['spec.servers: a Gateway needs at least one server']],
      [gw({ port: HTTP }), ['spec.servers[0].hosts: a server needs at least one host']],
      [
        gw(server({ hosts: ['ns/bar', '~/x.com', 'x/', '*foo.com', 'bad_ns/x.com'] })),
        [
          'spec.servers[0].hosts[0]: host "ns/bar": short names are not allowed, use a fully qualified name (or "*")',
          'spec.servers[0].hosts[1]: host "~/x.com": invalid namespace "~" (a namespace name, "." or "*")',
          'spec.servers[0].hosts[2]: host "x/": namespace and host must not be empty',
          'spec.servers[0].hosts[3]: host "*foo.com": partial wildcard "*foo.com" is not allowed',
          'spec.servers[0].hosts[4]: host "bad_ns/x.com": invalid namespace "bad_ns" (a namespace name, "." or "*")',
        ],
      ],
      [
        gw(server({ port: { number: 80, name: '', protocol: 'FOO', targetPort: 8080 } })),
        [
          'spec.servers[0].port.protocol: invalid protocol "FOO"; supported protocols are HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS and MYSQL',
          'spec.servers[0].port.name: a server port needs a name',
          'spec.servers[0].port.targetPort: targetPort has no effect on Gateways',
        ],
      ],
      [
        gw(server({ port: { number: 0, name: 'http', protocol: 'HTTP' } })),
        ['spec.servers[0].port.number: port must be between 1 and 65535, got 0'],
      ],
      [
        gw(server(), server({ port: { ...HTTP, number: 81 } })),
        ['spec.servers[1]: port name "http" is already used by servers[0]; port names must be unique'],
      ],
      [
        gw(server({ bind: 'localhost' }), server({ port: { ...HTTP, name: 'uds' }, bind: 'unix:///tmp/gw' })),
        [
          'spec.servers[0].bind: bind "localhost" is not an IP address',
          'spec.servers[1].port.number: a server bound to a unix socket needs port 0, not 80',
        ],
      ],
      [gw(server({ port: HTTPS })), ['spec.servers[0].tls: a server with protocol HTTPS needs TLS settings']],
      [
        gw(server({ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, tls: { mode: 'PASSTHROUGH' } })),
        [
          'spec.servers[0].tls: a server with protocol TCP cannot have TLS settings (only HTTPS and TLS servers can)',
        ],
      ],
      [
        gw(server({ tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } })),
        ['spec.servers[0].tls: a plain-text HTTP server cannot have TLS settings other than httpsRedirect'],
      ],
      [
        gw(server({ port: HTTPS, tls: { mode: 'SIMPLE' } })),
        [
          'spec.servers[0].tls.serverCertificate: SIMPLE TLS requires a server certificate',
          'spec.servers[0].tls.privateKey: SIMPLE TLS requires a private key',
        ],
      ],
      [
        gw(server({ port: HTTPS, tls: { mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k' } })),
        ['spec.servers[0].tls.caCertificates: MUTUAL TLS requires a client CA bundle (caCertificates)'],
      ],
      [
        gw(server({ port: HTTPS, tls: { mode: 'ISTIO_MUTUAL', credentialName: 'cred' } })),
        [
          'spec.servers[0].tls.credentialName: ISTIO_MUTUAL TLS cannot have a credentialName (the mesh certificate is used)',
        ],
      ],
      [
        gw(
          server({
            port: HTTPS,
            tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', credentialName: 'cred' },
          }),
        ),
        [
          'spec.servers[0].tls: set only one of credentialName, credentialNames, serverCertificate/privateKey and tlsCertificates',
        ],
      ],
      [
        { selector: { 'istio*': 'x' }, servers: [server()] },
        ['spec.selector["istio*"]: wildcard "*" is not allowed in a label selector ("istio*: x")'],
      ],
    ];
    for (const [spec, expected] of cases) assert.deepEqual(errorsOf('Gateway', spec), expected);
  });

  it('requires a DNS-1123 label as the Gateway name', () => {
    const r = validateIstioObject(rawObject('Gateway', gw(server()), 'edge.v1'), 'gw.yaml');
    assert.deepEqual(r.ok ? [] : r.errors.map((e) => e.message), [
      'gw.yaml: Gateway default/edge.v1: metadata.name: invalid Gateway name "edge.v1": it must be a DNS-1123 label (no dots)',
    ]);
  });

  it('warns where Istio warns: certificates on passthrough, cipher suites, httpsRedirect off HTTP', () => {
    assert.deepEqual(
      warningsOf(
        'Gateway',
        gw(server({ port: HTTPS, tls: { mode: 'PASSTHROUGH', serverCertificate: '/c' } })),
      ),
      ['spec.servers[0].tls: PASSTHROUGH mode does not use certificates; they are ignored'],
    );
    assert.deepEqual(
      warningsOf(
        'Gateway',
        gw(
          server({
            port: HTTPS,
            tls: {
              mode: 'SIMPLE',
              credentialName: 'cred',
              httpsRedirect: true,
              cipherSuites: ['FOO', 'AES128-SHA', 'AES128-SHA'],
            },
          }),
        ),
      ),
      [
        'spec.servers[0].tls.cipherSuites: ignoring invalid cipher suites: FOO',
        'spec.servers[0].tls.cipherSuites: ignoring duplicate cipher suites: AES128-SHA',
        'spec.servers[0].tls.httpsRedirect: httpsRedirect only applies to HTTP servers, not HTTPS',
      ],
    );
    assert.deepEqual(
      warningsOf(
        'Gateway',
        gw(
          server({
            port: HTTPS,
            tls: { mode: 'SIMPLE', credentialName: 'c', minProtocolVersion: 'TLSV1_1' },
          }),
        ),
      ),
      [
        'spec.servers[0].tls.minProtocolVersion: TLS versions below TLSV1_2 need compatible cipherSuites: the default suites no longer include any',
      ],
    );
  });
});

describe('resolveGatewayName', () => {
  it('turns every form Istio accepts into namespace/name', () => {
    assert.equal(resolveGatewayName('bookinfo-gateway', 'default'), 'default/bookinfo-gateway');
    assert.equal(resolveGatewayName('istio-system/gw', 'default'), 'istio-system/gw');
    assert.equal(resolveGatewayName('gw.istio-system', 'default'), 'istio-system/gw');
    assert.equal(resolveGatewayName('gw.istio-system.svc.cluster.local', 'default'), 'istio-system/gw');
    assert.equal(resolveGatewayName('mesh', 'default'), 'mesh');
  });
});
