/**
 * Workloads registered by their sidecars (TANDEM_WORKLOAD, Tandem's local mode): the metadata is
 * checked with a reason per field, registrations become WorkloadEntries and one ServiceEntry per
 * service (unless the user's config declares the host), and the registered proxy gets an inbound
 * listener from its endpoint port to its application.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readIstioConfig } from '@tandem/api';
import { buildMeshSnapshot } from '../src/model/mesh-snapshot.ts';
import { parseProxyInfo } from '../src/proxy/proxy-info.ts';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';
import {
  parseRegistration,
  registrationObjects,
  type WorkloadRegistration,
} from '../src/registry/workload-registrations.ts';
import { translate } from '../src/translate/translate.ts';
import { simulate } from './simulate.ts';

function proxy(instance: string, workload: unknown, labels: Record<string, string> = { app: 'reviews' }) {
  return parseProxyInfo({
    id: `sidecar~127.0.0.1~${instance}.default~default.svc.cluster.local`,
    metadata: {
      NAMESPACE: 'default',
      LABELS: labels,
      SERVICE_ACCOUNT: 'bookinfo-reviews',
      WORKLOAD_NAME: instance,
      INTERCEPTION_MODE: 'NONE',
      OUTBOUND_LISTENERS: 'http-proxy',
      HTTP_PROXY_PORT: '15001',
      TANDEM_WORKLOAD: workload,
    },
  });
}

const reviews = (endpointPort: number, targetPort: number) => ({
  service: 'reviews',
  ports: [{ name: 'http', port: 9080, protocol: 'HTTP', endpointPort, targetPort }],
});

function registration(
  instance: string,
  workload: unknown,
  labels?: Record<string, string>,
): WorkloadRegistration {
  const r = parseRegistration(proxy(instance, workload, labels));
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as { registration: WorkloadRegistration }).registration;
}

describe('workload registrations', () => {
  it('reads TANDEM_WORKLOAD, as an object or as JSON text', () => {
    const r = registration('reviews-v1-0', reviews(41000, 41001), { app: 'reviews', version: 'v1' });
    assert.deepEqual(r, {
      service: 'reviews',
      namespace: 'default',
      name: 'reviews-v1-0',
      address: '127.0.0.1',
      labels: {
        app: 'reviews',
        version: 'v1',
        'tandem.dev/service': 'reviews',
        // A registered workload has a sidecar: auto mTLS sends it mutual TLS.
        'security.istio.io/tlsMode': 'istio',
      },
      serviceAccount: 'bookinfo-reviews',
      ports: [{ name: 'http', port: 9080, protocol: 'HTTP', endpointPort: 41000, targetPort: 41001 }],
    });
    assert.deepEqual(registration('reviews-v1-0', JSON.stringify(reviews(41000, 41001))).ports, r.ports);
    assert.equal(parseRegistration(proxy('x', undefined)).kind, 'none');
  });

  it('refuses bad metadata, naming the field and the reason', () => {
    const reason = (workload: unknown) => {
      const r = parseRegistration(proxy('x', workload));
      assert.equal(r.kind, 'invalid');
      return (r as { reason: string }).reason;
    };
    assert.equal(reason('{nope'), 'TANDEM_WORKLOAD: must be an object with "service" and "ports"');
    assert.equal(
      reason({ service: 'Reviews', ports: [] }),
      'TANDEM_WORKLOAD: service: "Reviews" is not a DNS-1123 label',
    );
    assert.equal(
      reason({ service: 'reviews', ports: [] }),
      'TANDEM_WORKLOAD: ports: at least one port is required',
    );
    assert.equal(
      reason({ service: 'reviews', ports: [{ port: 9080, endpointPort: 0, targetPort: 1 }] }),
      'TANDEM_WORKLOAD: ports[0].endpointPort: 0 is not a port number (1-65535)',
    );
    assert.equal(
      reason({ service: 'reviews', serviceAddress: 'reviews', ports: [] }),
      'TANDEM_WORKLOAD: serviceAddress: "reviews" is not an IP address',
    );
    assert.equal(
      reason({
        service: 'reviews',
        ports: [{ port: 9080, endpointPort: 1, targetPort: 2, protocol: 'udp' }],
      }),
      'TANDEM_WORKLOAD: ports[0].protocol: "UDP" is not one of HTTP, HTTP2, GRPC, GRPC-WEB, TCP, TLS, HTTPS',
    );
  });

  it('turns registrations into WorkloadEntries and one ServiceEntry per service, with endpoints on the sidecars', () => {
    const regs = new Map([
      ['p1', registration('reviews-v1-0', reviews(41000, 41001), { app: 'reviews', version: 'v1' })],
      ['p2', registration('reviews-v2-0', reviews(42000, 42001), { app: 'reviews', version: 'v2' })],
    ]);
    const { objects, rejected } = registrationObjects(regs, []);
    assert.deepEqual(rejected, []);
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.meta.namespace}/${o.meta.name}`),
      [
        'WorkloadEntry default/reviews-v1-0',
        'WorkloadEntry default/reviews-v2-0',
        'ServiceEntry default/reviews',
      ],
    );
    const [service] = servicesFromConfig(objects);
    assert.equal(service?.hostname, 'reviews.default.svc.cluster.local');
    assert.deepEqual(
      service?.endpoints.map((e) => [e.address, e.ports['http'], e.labels['version']]),
      [
        ['127.0.0.1', 41000, 'v1'],
        ['127.0.0.1', 42000, 'v2'],
      ],
    );
  });

  it("leaves the service to the user's config when it declares the host", () => {
    const declared = readIstioConfig(
      `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 9080, name: http, protocol: HTTP }]
  workloadSelector: { labels: { app: reviews } }
`,
      'user.yaml',
    ).objects;
    const regs = new Map([['p1', registration('reviews-v1-0', reviews(41000, 41001))]]);
    const { objects } = registrationObjects(regs, declared);
    assert.deepEqual(
      objects.map((o) => o.kind),
      ['WorkloadEntry'],
    );
    const [service] = servicesFromConfig([...declared, ...objects]);
    assert.deepEqual(
      service?.endpoints.map((e) => e.ports['http']),
      [41000],
    );
  });

  it('gives the registered sidecar an inbound listener from its endpoint port to the application', () => {
    const info = proxy('reviews-v1-0', reviews(41000, 41001));
    const regs = new Map([['p1', registration('reviews-v1-0', reviews(41000, 41001))]]);
    const objects = registrationObjects(regs, []).objects;
    const out = translate(buildMeshSnapshot('1', objects, servicesFromConfig(objects)), info);
    const inbound = out.listeners.get('127.0.0.1_41000') as Record<string, unknown>;
    assert.equal(inbound['traffic_direction'], 'INBOUND');
    assert.deepEqual(inbound['address'], { socket_address: { address: '127.0.0.1', port_value: 41000 } });
    const cluster = out.clusters.get('inbound|41000||') as { load_assignment: unknown };
    assert.deepEqual(cluster.load_assignment, {
      cluster_name: 'inbound|41000||',
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 41001 } } } },
          ],
        },
      ],
    });
    assert.ok(out.listeners.has('127.0.0.1_15001'), 'the HTTP proxy listener stays');
  });

  it('transparent mode: the service address becomes the ServiceEntry address, and REDIRECT sidecars route by it', () => {
    const pod = (ip: string, instance: string, workload: unknown, labels: Record<string, string>) =>
      parseProxyInfo({
        id: `sidecar~${ip}~${instance}.default~default.svc.cluster.local`,
        metadata: {
          NAMESPACE: 'default',
          LABELS: labels,
          WORKLOAD_NAME: instance,
          INSTANCE_IPS: ip,
          INTERCEPTION_MODE: 'REDIRECT',
          TANDEM_WORKLOAD: workload,
        },
      });
    const reviewsVip = { ...reviews(9080, 9080), serviceAddress: '10.90.0.2' };
    const echo = {
      service: 'tcp-echo',
      serviceAddress: '10.90.0.3',
      ports: [{ name: 'tcp', port: 9000, protocol: 'TCP', endpointPort: 9000, targetPort: 9000 }],
    };
    const reviewsPod = pod('10.89.0.3', 'reviews-v1-0', reviewsVip, { app: 'reviews', version: 'v1' });
    const regs = new Map<string, WorkloadRegistration>();
    for (const [key, info] of [
      ['p1', reviewsPod],
      ['p2', pod('10.89.0.4', 'tcp-echo-0', echo, { app: 'tcp-echo' })],
    ] as const) {
      const r = parseRegistration(info);
      assert.equal(r.kind, 'ok');
      regs.set(key, (r as { registration: WorkloadRegistration }).registration);
    }
    assert.equal(regs.get('p1')?.serviceAddress, '10.90.0.2');
    assert.equal(regs.get('p1')?.address, '10.89.0.3');
    const objects = registrationObjects(regs, []).objects;
    const se = objects.find((o) => o.kind === 'ServiceEntry' && o.meta.name === 'reviews');
    assert.deepEqual(se?.kind === 'ServiceEntry' ? se.spec.addresses : undefined, ['10.90.0.2']);
    const snapshot = buildMeshSnapshot('1', objects, servicesFromConfig(objects));
    const client = translate(snapshot, pod('10.89.0.2', 'productpage-0', undefined, { app: 'productpage' }));
    assert.equal(
      simulate(client, { routeConfig: '9080', authority: 'reviews:9080' }).cluster,
      'outbound|9080||reviews.default.svc.cluster.local',
    );
    const tcp = client.listeners.get('0.0.0.0_9000') as {
      filter_chains: { filter_chain_match: { prefix_ranges: unknown[] } }[];
    };
    assert.deepEqual(tcp.filter_chains[0]!.filter_chain_match.prefix_ranges, [
      { address_prefix: '10.90.0.3', prefix_len: 32 },
    ]);
    // The reviews pod serves 9080 on its own address: captured inbound, to the application.
    const inbound = translate(snapshot, reviewsPod).listeners.get('virtualInbound') as {
      filter_chains: { filter_chain_match: { destination_port: number } }[];
    };
    assert.deepEqual(
      inbound.filter_chains.map((c) => c.filter_chain_match.destination_port),
      [9080],
    );
  });
});
