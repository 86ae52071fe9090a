/**
 * Translation by simulation: Istio config in, a described request through the generated
 * resources, assert where it lands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMeshSnapshot } from '../src/model/mesh-snapshot.ts';
import { parseProxyInfo } from '../src/proxy/proxy-info.ts';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';
import { translate } from '../src/translate/translate.ts';
import {
  dest,
  destinationRule,
  httpPort,
  httpRoute,
  match,
  serviceEntry,
  sidecar,
  subset,
  virtualService,
  workload,
} from './istio-builders.ts';
import { assertAllValid, endpointsOf, simulate } from './simulate.ts';

const REVIEWS = 'reviews.default.svc.cluster.local';

function bookinfoObjects(extra: ReturnType<typeof virtualService>[] = []) {
  return [
    serviceEntry('default', 'reviews', {
      hosts: ['reviews'],
      ports: [httpPort(9080, 'http')],
      endpoints: [
        workload('10.0.0.1', { app: 'reviews', version: 'v1' }, { locality: 'us/east/a' }),
        workload('10.0.0.2', { app: 'reviews', version: 'v2' }, { locality: 'us/east/b', weight: 3 }),
        workload('10.0.0.3', { app: 'reviews', version: 'v3' }, { locality: 'us/east/b' }),
      ],
    }),
    serviceEntry('default', 'ratings', {
      hosts: ['ratings'],
      ports: [httpPort(9080, 'http')],
      endpoints: [workload('10.0.1.1', { app: 'ratings' })],
    }),
    serviceEntry('other', 'db', {
      hosts: ['db.other.svc.cluster.local'],
      ports: [httpPort(5432, 'tcp', 'TCP')],
      endpoints: [workload('10.0.2.1', {})],
    }),
    destinationRule('default', 'reviews', {
      host: 'reviews',
      subsets: [
        subset('v1', { version: 'v1' }),
        subset('v2', { version: 'v2' }),
        subset('v3', { version: 'v3' }),
      ],
    }),
    ...extra,
  ];
}

const sidecarProxy = parseProxyInfo({
  id: 'sidecar~10.0.9.9~productpage-v1-abc.default~default.svc.cluster.local',
  metadata: {
    NAMESPACE: 'default',
    LABELS: { app: 'productpage', version: 'v1' },
    INTERCEPTION_MODE: 'NONE',
    HTTP_PROXY_PORT: '15080',
  },
});

function translateFor(objects: ReturnType<typeof bookinfoObjects>, proxy = sidecarProxy) {
  const snapshot = buildMeshSnapshot('v1', objects, servicesFromConfig(objects));
  const res = translate(snapshot, proxy);
  assertAllValid(res);
  return res;
}

describe('translate: sidecar', () => {
  it('names clusters the Istio way, with a cluster per subset and endpoints filtered by subset labels', () => {
    const res = translateFor(bookinfoObjects());
    assert.ok(res.clusters.has(`outbound|9080||${REVIEWS}`));
    assert.deepEqual(endpointsOf(res, `outbound|9080|v2|${REVIEWS}`), ['10.0.0.2:9080']);
    assert.deepEqual(endpointsOf(res, `outbound|9080||${REVIEWS}`).sort(), [
      '10.0.0.1:9080',
      '10.0.0.2:9080',
      '10.0.0.3:9080',
    ]);
    const cla = res.endpoints.get(`outbound|9080||${REVIEWS}`) as {
      endpoints: { locality: { zone: string }; load_balancing_weight: number }[];
    };
    assert.deepEqual(
      cla.endpoints.map((e) => [e.locality.zone, e.load_balancing_weight]),
      [
        ['east', 1],
        ['east', 4],
      ],
    );
  });

  it('routes to the service by default, by short name and FQDN, through the per-port route and the HTTP proxy route', () => {
    const res = translateFor(bookinfoObjects());
    for (const authority of ['reviews', 'reviews:9080', `${REVIEWS}:9080`, 'reviews.default:9080']) {
      assert.equal(
        simulate(res, { routeConfig: '9080', authority }).cluster,
        `outbound|9080||${REVIEWS}`,
        authority,
      );
    }
    assert.equal(
      simulate(res, { routeConfig: 'http_proxy', authority: 'reviews:9080' }).cluster,
      `outbound|9080||${REVIEWS}`,
    );
    assert.equal(simulate(res, { routeConfig: 'http_proxy', authority: 'reviews' }).status, 'no-route');
    assert.ok(res.listeners.has('127.0.0.1_9080'));
    assert.ok(res.listeners.has('127.0.0.1_15080'));
  });

  it('splits traffic 90/10 by VirtualService weights', () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [httpRoute({ route: [dest('reviews', 'v1', 90), dest('reviews', 'v2', 10)] })],
    });
    const res = translateFor(bookinfoObjects([vs]));
    const counts = new Map<string, number>();
    for (let r = 0; r < 100; r++) {
      const c = simulate(res, { routeConfig: '9080', authority: 'reviews:9080' }, r).cluster!;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    assert.equal(counts.get(`outbound|9080|v1|${REVIEWS}`), 90);
    assert.equal(counts.get(`outbound|9080|v2|${REVIEWS}`), 10);
  });

  it('routes by header (the bookinfo "jason" rule) and falls through to the default', () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [
        httpRoute({
          match: [match({ headers: { 'end-user': { kind: 'exact', value: 'jason' } } })],
          route: [dest('reviews', 'v2')],
        }),
        httpRoute({ route: [dest('reviews', 'v3')] }),
      ],
    });
    const res = translateFor(bookinfoObjects([vs]));
    const jason = simulate(res, {
      routeConfig: '9080',
      authority: 'reviews',
      headers: { 'end-user': 'jason' },
    });
    assert.equal(jason.cluster, `outbound|9080|v2|${REVIEWS}`);
    assert.deepEqual(jason.endpoints, ['10.0.0.2:9080']);
    assert.equal(
      simulate(res, { routeConfig: '9080', authority: 'reviews' }).cluster,
      `outbound|9080|v3|${REVIEWS}`,
    );
  });

  it('applies uri prefix matches, rewrites and redirects', () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [
        httpRoute({
          match: [match({ uri: { kind: 'prefix', value: '/old' } })],
          redirect: { uri: '/new', authority: '', port: 0, scheme: '', redirectCode: 302 },
        }),
        httpRoute({
          match: [match({ uri: { kind: 'prefix', value: '/api/' } })],
          rewrite: { uri: '/', authority: 'internal', uriRegexRewrite: undefined },
          route: [dest('reviews', 'v1')],
        }),
      ],
    });
    const res = translateFor(bookinfoObjects([vs]));
    const api = simulate(res, { routeConfig: '9080', authority: 'reviews', path: '/api/x' });
    assert.equal(api.path, '/x');
    assert.equal(api.authority, 'internal');
    assert.equal(
      simulate(res, { routeConfig: '9080', authority: 'reviews', path: '/old' }).status,
      'redirect',
    );
    assert.equal(
      simulate(res, { routeConfig: '9080', authority: 'reviews', path: '/other' }).status,
      'no-route',
    );
  });

  it('keeps to a Sidecar egress scope', () => {
    const sc = sidecar('default', 'default', { egress: [{ port: undefined, bind: '', hosts: ['./*'] }] });
    const res = translateFor(bookinfoObjects([sc as never]));
    assert.ok(res.clusters.has(`outbound|9080||${REVIEWS}`));
    assert.ok(![...res.clusters.keys()].some((c) => c.includes('db.other')));
  });

  it('reports Istio fields the proxy cannot express instead of dropping them silently', () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [
        httpRoute({
          route: [dest('reviews', 'v1')],
          retries: { attempts: 3, perTryTimeoutMs: 2000, retryOn: '5xx', retryRemoteLocalities: false },
        }),
      ],
    });
    const res = translateFor(bookinfoObjects([vs]));
    assert.ok(
      res.notes.some((n) => n.includes('retries not applied')),
      res.notes.join('\n'),
    );
  });

  it('is deterministic', () => {
    const a = translateFor(bookinfoObjects());
    const b = translateFor(bookinfoObjects());
    assert.equal(JSON.stringify([...a.routes]), JSON.stringify([...b.routes]));
    assert.equal(JSON.stringify([...a.clusters]), JSON.stringify([...b.clusters]));
  });
});

describe('translate: proxyless gRPC', () => {
  const grpcProxy = parseProxyInfo({
    id: 'grpc-client-1',
    user_agent_name: 'grpc-node-js',
    metadata: { NAMESPACE: 'default' },
    locality: { zone: 'a' },
  });

  it('generates api listeners named host:port with RDS of the same name, and timeouts as max_stream_duration', () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [httpRoute({ route: [dest('reviews', 'v1')], timeoutMs: 1500 })],
    });
    const objects = bookinfoObjects([vs]);
    const res = translate(buildMeshSnapshot('v1', objects, servicesFromConfig(objects)), grpcProxy);
    const l = res.listeners.get(`${REVIEWS}:9080`) as {
      api_listener: { api_listener: { rds: { route_config_name: string } } };
    };
    assert.equal(l.api_listener.api_listener.rds.route_config_name, `${REVIEWS}:9080`);
    assert.ok(res.listeners.has('reviews:9080'));
    const rc = res.routes.get('reviews:9080') as {
      virtual_hosts: { domains: string[]; routes: { route: Record<string, unknown> }[] }[];
    };
    assert.ok(rc.virtual_hosts[0]!.domains.includes('reviews:9080'));
    assert.deepEqual(rc.virtual_hosts[0]!.routes[0]!.route['max_stream_duration'], {
      max_stream_duration: '1.5s',
    });
  });
});

describe('translate: transparent interception (REDIRECT)', () => {
  const redirected = parseProxyInfo({
    id: 'sidecar~10.0.0.1~reviews-v1-abc.default~default.svc.cluster.local',
    metadata: { NAMESPACE: 'default', LABELS: { app: 'reviews', version: 'v1' } },
  });

  it("builds Istio's virtual listeners, per-port listeners, passthrough and inbound chains, all valid for the proxy", () => {
    const objects = bookinfoObjects();
    const res = translate(buildMeshSnapshot('v1', objects, servicesFromConfig(objects)), redirected);
    assertAllValid(res);
    const outbound = res.listeners.get('virtualOutbound') as Record<string, unknown>;
    assert.equal(outbound['use_original_dst'], true);
    const port = res.listeners.get('0.0.0.0_9080') as Record<string, unknown>;
    assert.equal(port['bind_to_port'], false);
    assert.equal((res.clusters.get('PassthroughCluster') as Record<string, unknown>)['type'], 'ORIGINAL_DST');
    // This proxy (10.0.0.1) serves reviews v1 on 9080: an inbound chain for that port only.
    const inbound = res.listeners.get('virtualInbound') as {
      filter_chains: { filter_chain_match: { destination_port: number } }[];
    };
    assert.deepEqual(
      inbound.filter_chains.map((c) => c.filter_chain_match.destination_port),
      [9080],
    );
    assert.ok(res.clusters.has('inbound|9080||'));
    // Unknown hosts on an HTTP port fall through to the passthrough; TCP services match their addresses.
    assert.equal(
      simulate(res, { routeConfig: '9080', authority: 'unknown.example:9080' }).cluster,
      'PassthroughCluster',
    );
    const db = res.listeners.get('0.0.0.0_5432') as {
      filter_chains: { filter_chain_match: { prefix_ranges: unknown[] } }[];
    };
    assert.deepEqual(db.filter_chains[0]!.filter_chain_match.prefix_ranges, [
      { address_prefix: '10.0.2.1', prefix_len: 32 },
    ]);
  });

  it('sends unknown destinations to the black hole under REGISTRY_ONLY', () => {
    const sc = sidecar('default', 'default', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const objects = bookinfoObjects([sc as never]);
    const res = translate(buildMeshSnapshot('v1', objects, servicesFromConfig(objects)), redirected);
    assert.equal(
      simulate(res, { routeConfig: '9080', authority: 'unknown.example:9080' }).cluster,
      'BlackHoleCluster',
    );
  });
});
