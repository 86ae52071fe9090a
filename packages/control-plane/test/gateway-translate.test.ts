/**
 * Gateway translation by simulation: Istio Gateways and VirtualServices in, a described request through the
 * route configuration the gateway proxy gets, assert where it lands (or that it gets 404 or a redirect).
 * Every generated resource must pass the proxy's own validator.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readIstioConfig } from '@tandem/api';
import type { IstioObject } from '@tandem/api/istio';
import { buildMeshSnapshot } from '../src/model/mesh-snapshot.ts';
import { parseProxyInfo } from '../src/proxy/proxy-info.ts';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';
import { translate } from '../src/translate/translate.ts';
import {
  dest,
  gateway,
  gatewayServer,
  httpPort,
  httpRoute,
  match,
  serverTls,
  serviceEntry,
  virtualService,
  workload,
} from './istio-builders.ts';
import { assertAllValid, simulate } from './simulate.ts';

const BOOKINFO_GATEWAY = path.resolve(
  import.meta.dirname,
  '../../../../shared/testdata/istio/samples/bookinfo/networking/bookinfo-gateway.yaml',
);
const CERTS = path.resolve(import.meta.dirname, '../../../../shared/testdata/istio/certs');
const PRODUCTPAGE = 'productpage.default.svc.cluster.local';

const ingress = (metadata: Record<string, unknown> = {}, labels = { istio: 'ingressgateway' }) =>
  parseProxyInfo({
    id: 'router~10.0.5.5~istio-ingressgateway-abc.istio-system~istio-system.svc.cluster.local',
    metadata: { NAMESPACE: 'istio-system', LABELS: labels, ...metadata },
  });

const services = (): IstioObject[] => [
  serviceEntry('default', 'productpage', {
    hosts: ['productpage'],
    ports: [httpPort(9080, 'http')],
    endpoints: [workload('10.0.0.9', { app: 'productpage' })],
  }),
  serviceEntry('default', 'reviews', {
    hosts: ['reviews'],
    ports: [httpPort(9080, 'http')],
    endpoints: [workload('10.0.0.1', { app: 'reviews' })],
  }),
  serviceEntry('default', 'db', {
    hosts: ['db.example.com'],
    ports: [httpPort(5432, 'tcp', 'TCP')],
    endpoints: [workload('10.0.0.7', {})],
  }),
];

function translateFor(objects: IstioObject[], proxy = ingress()) {
  const all = [...services(), ...objects];
  const res = translate(buildMeshSnapshot('v1', all, servicesFromConfig(all)), proxy);
  assertAllValid(res);
  return res;
}

const cluster = (host: string, port = 9080, subset = '') => `outbound|${port}|${subset}|${host}`;

function virtualHosts(res: ReturnType<typeof translateFor>, route: string) {
  return (
    res.routes.get(route) as { virtual_hosts: { name: string; domains: string[]; routes: unknown[] }[] }
  ).virtual_hosts;
}

describe('translate: gateway (router proxies)', () => {
  it("serves Istio's bookinfo Gateway: a listener per server port, RDS http.<port>, 404 for other paths", () => {
    const read = readIstioConfig(readFileSync(BOOKINFO_GATEWAY, 'utf8'), 'bookinfo-gateway.yaml');
    const res = translateFor(read.objects);
    const listener = res.listeners.get('0.0.0.0_8080') as {
      address: { socket_address: { address: string; port_value: number } };
      filter_chains: { filters: { typed_config: { rds: { route_config_name: string } } }[] }[];
    };
    assert.deepEqual(listener.address.socket_address, { address: '0.0.0.0', port_value: 8080 });
    assert.equal(listener.filter_chains[0]!.filters[0]!.typed_config.rds.route_config_name, 'http.8080');
    assert.deepEqual(
      virtualHosts(res, 'http.8080').map((v) => [v.name, v.domains]),
      [['*:8080', ['*']]],
    );
    const page = simulate(res, {
      routeConfig: 'http.8080',
      authority: 'bookinfo.example:8080',
      path: '/productpage',
    });
    assert.equal(page.cluster, cluster(PRODUCTPAGE));
    assert.deepEqual(page.endpoints, ['10.0.0.9:9080']);
    assert.equal(
      simulate(res, { routeConfig: 'http.8080', authority: 'x', path: '/static/a.css' }).cluster,
      cluster(PRODUCTPAGE),
    );
    assert.equal(
      simulate(res, { routeConfig: 'http.8080', authority: 'x', path: '/other' }).status,
      'no-route',
    );
    // Gateways get no sidecar listeners.
    assert.deepEqual([...res.listeners.keys()], ['0.0.0.0_8080']);
    assert.deepEqual(res.notes, []);
  });

  it('binds where TANDEM_GATEWAY_LISTEN says, keeping the Istio listener name', () => {
    const read = readIstioConfig(readFileSync(BOOKINFO_GATEWAY, 'utf8'), 'bookinfo-gateway.yaml');
    for (const metadata of [
      { TANDEM_GATEWAY_LISTEN: { '8080': '127.0.0.1:0' } },
      { TANDEM_GATEWAY_LISTEN: '{"8080":"127.0.0.1:0"}' },
    ]) {
      const res = translateFor(read.objects, ingress(metadata));
      const l = res.listeners.get('0.0.0.0_8080') as { address: { socket_address: unknown } };
      assert.deepEqual(l.address.socket_address, { address: '127.0.0.1', port_value: 0 });
    }
    const bad = translateFor(read.objects, ingress({ TANDEM_GATEWAY_LISTEN: { '8080': 'localhost:1' } }));
    assert.match(
      bad.notes.join('\n'),
      /TANDEM_GATEWAY_LISTEN\["8080"\]: "localhost:1" is not "ip:port"; ignored/,
    );
  });

  it('configures only proxies whose labels match the selector', () => {
    const read = readIstioConfig(readFileSync(BOOKINFO_GATEWAY, 'utf8'), 'bookinfo-gateway.yaml');
    const res = translateFor(read.objects, ingress({}, { istio: 'egressgateway' }));
    assert.equal(res.listeners.size, 0);
    assert.ok(res.clusters.has(cluster(PRODUCTPAGE)), 'clusters of visible services are still sent');
  });

  it('intersects VirtualService hosts with server hosts, by namespace', () => {
    const gw = gateway('istio-system', 'gw', [
      gatewayServer(80, ['*.example.com', 'default/shop.example.org', 'istio-system/admin.example.org']),
    ]);
    const front = virtualService('default', 'front', {
      hosts: ['a.example.com', 'shop.example.org', 'admin.example.org', 'other.org'],
      gateways: ['istio-system/gw'],
      http: [httpRoute({ route: [dest('productpage')] })],
    });
    const wide = virtualService('default', 'wide', {
      hosts: ['*.example.com'],
      gateways: ['istio-system/gw'],
      http: [httpRoute({ route: [dest('reviews')] })],
    });
    const res = translateFor([gw, front, wide]);
    assert.deepEqual(
      virtualHosts(res, 'http.80').map((v) => [v.name, v.domains]),
      [
        ['*.example.com:80', ['*.example.com', '*.example.com:80']],
        ['a.example.com:80', ['a.example.com', 'a.example.com:*']],
        ['shop.example.org:80', ['shop.example.org', 'shop.example.org:*']],
      ],
    );
    const at = (authority: string) => simulate(res, { routeConfig: 'http.80', authority, path: '/' });
    assert.equal(at('a.example.com').cluster, cluster(PRODUCTPAGE));
    assert.equal(at('a.example.com:8443').cluster, cluster(PRODUCTPAGE));
    assert.equal(at('b.example.com').cluster, cluster('reviews.default.svc.cluster.local'));
    assert.equal(at('shop.example.org').cluster, cluster(PRODUCTPAGE));
    // admin.example.org is exposed to VirtualServices of istio-system only; other.org not at all.
    assert.equal(at('admin.example.org').status, 'no-route');
    assert.equal(at('other.org').status, 'no-route');
  });

  it('a server host "*" with several VirtualService hosts gives one virtual host per host', () => {
    const gw = gateway('istio-system', 'gw', [gatewayServer(80, ['*'])]);
    const vs = virtualService('istio-system', 'front', {
      hosts: ['a.example.com', 'b.example.com'],
      gateways: ['gw'],
      http: [httpRoute({ route: [dest('productpage.default.svc.cluster.local')] })],
    });
    const res = translateFor([gw, vs]);
    assert.deepEqual(
      virtualHosts(res, 'http.80').map((v) => v.name),
      ['a.example.com:80', 'b.example.com:80'],
    );
  });

  it('applies a VirtualService only to the Gateways it names (bare names in its own namespace, ns/name, legacy name.ns)', () => {
    const gws = [
      gateway('istio-system', 'public', [gatewayServer(80, ['*'])]),
      gateway('istio-system', 'internal', [gatewayServer(81, ['*'])]),
      gateway('default', 'local', [gatewayServer(82, ['*'])]),
    ];
    const toPublic = virtualService('default', 'public', {
      hosts: ['public.example.com'],
      gateways: ['istio-system/public'],
      http: [httpRoute({ route: [dest('productpage')] })],
    });
    const toInternal = virtualService('default', 'internal', {
      hosts: ['internal.example.com'],
      gateways: ['internal.istio-system'],
      http: [httpRoute({ route: [dest('reviews')] })],
    });
    const toLocal = virtualService('default', 'local', {
      hosts: ['local.example.com'],
      gateways: ['local'],
      http: [httpRoute({ route: [dest('reviews')] })],
    });
    const meshOnly = virtualService('default', 'mesh', {
      hosts: ['productpage'],
      http: [httpRoute({ route: [dest('reviews')] })],
    });
    const res = translateFor([...gws, toPublic, toInternal, toLocal, meshOnly]);
    assert.deepEqual(
      virtualHosts(res, 'http.80').map((v) => v.name),
      ['public.example.com:80'],
    );
    assert.deepEqual(
      virtualHosts(res, 'http.81').map((v) => v.name),
      ['internal.example.com:81'],
    );
    assert.deepEqual(
      virtualHosts(res, 'http.82').map((v) => v.name),
      ['local.example.com:82'],
    );
  });

  it('keeps the matches whose gateways include this one (per-match gateways)', () => {
    const gws = [
      gateway('istio-system', 'a', [gatewayServer(80, ['*'])]),
      gateway('istio-system', 'b', [gatewayServer(81, ['*'])]),
    ];
    const vs = virtualService('istio-system', 'shared', {
      hosts: ['shop.example.com'],
      gateways: ['a', 'b', 'mesh'],
      http: [
        httpRoute({
          match: [match({ uri: { kind: 'prefix', value: '/admin' }, gateways: ['istio-system/b'] })],
          route: [dest('reviews.default.svc.cluster.local')],
        }),
        httpRoute({
          match: [match({ uri: { kind: 'prefix', value: '/' }, gateways: ['a', 'mesh'] })],
          route: [dest('productpage.default.svc.cluster.local')],
        }),
      ],
    });
    const res = translateFor([...gws, vs]);
    const on = (routeConfig: string, p: string) =>
      simulate(res, { routeConfig, authority: 'shop.example.com', path: p });
    assert.equal(on('http.80', '/admin/x').cluster, cluster(PRODUCTPAGE));
    assert.equal(on('http.81', '/admin/x').cluster, cluster('reviews.default.svc.cluster.local'));
    assert.equal(on('http.81', '/other').status, 'no-route');
  });

  it('answers 404 when no VirtualService binds to a server (a virtual host without routes)', () => {
    const res = translateFor([gateway('istio-system', 'gw', [gatewayServer(80, ['*'])])]);
    assert.deepEqual(virtualHosts(res, 'http.80'), [{ name: 'blackhole:80', domains: ['*'], routes: [] }]);
    assert.equal(simulate(res, { routeConfig: 'http.80', authority: 'a.example.com' }).status, 'no-route');
  });

  it('redirects to https with httpsRedirect, whether or not a VirtualService binds', () => {
    const gw = gateway('istio-system', 'gw', [
      gatewayServer(80, ['shop.example.com', 'bare.example.com'], {
        tls: serverTls({ httpsRedirect: true }),
      }),
    ]);
    const vs = virtualService('istio-system', 'shop', {
      hosts: ['shop.example.com'],
      gateways: ['gw'],
      http: [httpRoute({ route: [dest('productpage.default.svc.cluster.local')] })],
    });
    const res = translateFor([gw, vs]);
    const vhosts = virtualHosts(res, 'http.80') as { name: string; require_tls?: string }[];
    assert.deepEqual(
      vhosts.map((v) => [v.name, v.require_tls]),
      [
        ['bare.example.com:80', 'ALL'],
        ['shop.example.com:80', 'ALL'],
      ],
    );
    const r = simulate(res, { routeConfig: 'http.80', authority: 'shop.example.com', path: '/cart?x=1' });
    assert.deepEqual([r.status, r.path], ['redirect', 'https://shop.example.com/cart?x=1']);
  });

  it('terminates TLS with certificate files on HTTPS servers, by SNI, with its own route configuration', () => {
    const files = {
      serverCertificate: path.join(CERTS, 'workload-foo-cert.pem'),
      privateKey: path.join(CERTS, 'workload-foo-key.pem'),
    };
    const gw = gateway('istio-system', 'gw', [
      gatewayServer(443, ['shop.example.com'], {
        protocol: 'HTTPS',
        portName: 'https-shop',
        tls: serverTls({ mode: 'SIMPLE', ...files }),
      }),
      gatewayServer(443, ['bank.example.com'], {
        protocol: 'HTTPS',
        portName: 'https-bank',
        tls: serverTls({ mode: 'MUTUAL', ...files, caCertificates: path.join(CERTS, 'root-cert.pem') }),
      }),
      gatewayServer(443, ['vault.example.com'], {
        protocol: 'HTTPS',
        portName: 'https-vault',
        tls: serverTls({ mode: 'SIMPLE', credentialName: 'vault-cert' }),
      }),
    ]);
    const vs = virtualService('istio-system', 'shop', {
      hosts: ['shop.example.com', 'bank.example.com'],
      gateways: ['gw'],
      http: [httpRoute({ route: [dest('productpage.default.svc.cluster.local')] })],
    });
    const res = translateFor([gw, vs]);
    const l = res.listeners.get('0.0.0.0_443') as {
      listener_filters: { name: string }[];
      filter_chains: {
        filter_chain_match: { server_names: string[] };
        transport_socket: { typed_config: Record<string, unknown> };
        filters: { typed_config: { rds: { route_config_name: string } } }[];
      }[];
    };
    assert.deepEqual(
      l.listener_filters.map((f) => f.name),
      ['envoy.filters.listener.tls_inspector'],
    );
    assert.deepEqual(
      l.filter_chains.map((c) => [
        c.filter_chain_match.server_names,
        c.filters[0]!.typed_config.rds.route_config_name,
      ]),
      [
        [['shop.example.com'], 'https.443.https-shop.gw.istio-system'],
        [['bank.example.com'], 'https.443.https-bank.gw.istio-system'],
      ],
    );
    assert.equal(l.filter_chains[1]!.transport_socket.typed_config['require_client_certificate'], true);
    assert.equal(
      simulate(res, { routeConfig: 'https.443.https-shop.gw.istio-system', authority: 'shop.example.com' })
        .cluster,
      cluster(PRODUCTPAGE),
    );
    assert.match(
      res.notes.join('\n'),
      /Gateway istio-system\/gw servers\[2\] \(port 443\): credentialName "vault-cert": certificates from secrets are not supported yet/,
    );
  });

  it('forwards TCP servers with tcp routes and TLS PASSTHROUGH servers by SNI with tls routes', () => {
    const gw = gateway('istio-system', 'gw', [
      gatewayServer(31400, ['*'], { protocol: 'TCP' }),
      gatewayServer(15443, ['*.example.com'], { protocol: 'TLS', tls: serverTls({ mode: 'PASSTHROUGH' }) }),
    ]);
    const vs = virtualService('istio-system', 'l4', {
      hosts: ['*.example.com'],
      gateways: ['gw'],
      tcp: [
        {
          match: [{ port: 31400, destinationSubnets: [], sourceLabels: {}, gateways: [] }],
          route: [{ destination: { host: 'db.example.com', subset: '', port: 5432 }, weight: 0 }],
        },
      ],
      tls: [
        {
          match: [
            {
              port: 15443,
              destinationSubnets: [],
              sourceLabels: {},
              gateways: [],
              sniHosts: ['db.example.com'],
            },
          ],
          route: [{ destination: { host: 'db.example.com', subset: '', port: 5432 }, weight: 0 }],
        },
      ],
    });
    const res = translateFor([gw, vs]);
    const tcp = res.listeners.get('0.0.0.0_31400') as {
      filter_chains: { filters: { typed_config: { cluster: string } }[] }[];
    };
    assert.equal(tcp.filter_chains[0]!.filters[0]!.typed_config.cluster, cluster('db.example.com', 5432));
    const tls = res.listeners.get('0.0.0.0_15443') as {
      filter_chains: {
        filter_chain_match: { server_names: string[] };
        filters: { typed_config: { cluster: string } }[];
      }[];
    };
    assert.deepEqual(tls.filter_chains[0]!.filter_chain_match.server_names, ['db.example.com']);
    assert.equal(tls.filter_chains[0]!.filters[0]!.typed_config.cluster, cluster('db.example.com', 5432));
  });

  it('reports servers it cannot serve instead of dropping them silently', () => {
    const gw = gateway('istio-system', 'gw', [
      gatewayServer(80, ['*']),
      gatewayServer(80, ['*'], { protocol: 'TCP', portName: 'tcp' }),
      gatewayServer(31400, ['*'], { protocol: 'TCP', portName: 'tcp2' }),
      gatewayServer(15443, ['*'], {
        protocol: 'TLS',
        portName: 'tls',
        tls: serverTls({ mode: 'PASSTHROUGH' }),
      }),
      gatewayServer(9443, ['*'], {
        protocol: 'HTTPS',
        portName: 'mtls',
        tls: serverTls({ mode: 'ISTIO_MUTUAL' }),
      }),
    ]);
    const res = translateFor([gw]);
    assert.deepEqual(res.notes, [
      'Gateway istio-system/gw servers[1] (port 80): listener 0.0.0.0_80 already serves Gateway istio-system/gw servers[0] (port 80) (http); a tcp server cannot share it, not applied',
      'Gateway istio-system/gw servers[4] (port 9443): tls mode ISTIO_MUTUAL needs mesh certificates, which gateways do not get yet; server not applied',
      'Gateway istio-system/gw servers[3] (port 15443): no VirtualService tls route binds to it; server not applied',
      'Gateway istio-system/gw servers[2] (port 31400): no VirtualService tcp route binds to it; server not applied',
    ]);
    assert.deepEqual([...res.listeners.keys()], ['0.0.0.0_80']);
  });

  it('is deterministic', () => {
    const read = readIstioConfig(readFileSync(BOOKINFO_GATEWAY, 'utf8'), 'bookinfo-gateway.yaml');
    const a = translateFor(read.objects);
    const b = translateFor(read.objects);
    for (const key of ['listeners', 'routes', 'clusters', 'endpoints'] as const)
      assert.equal(JSON.stringify([...a[key]]), JSON.stringify([...b[key]]));
  });
});
