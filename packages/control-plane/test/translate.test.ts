/**
 * Translation by simulation: Istio config in, a described request through the generated
 * resources, assert where it lands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RESOURCE_TYPE_URLS, readIstioConfig, validateResource } from '@tandem/api';
import { HeaderMap } from '@tandem/proxy';
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
    ...(extra.some((o) => o.kind === 'DestinationRule' && o.meta.name === 'reviews')
      ? []
      : [
          destinationRule('default', 'reviews', {
            host: 'reviews',
            subsets: [
              subset('v1', { version: 'v1' }),
              subset('v2', { version: 'v2' }),
              subset('v3', { version: 'v3' }),
            ],
          }),
        ]),
    ...extra,
  ];
}

const SIDECAR_NODE = {
  id: 'sidecar~10.0.9.9~productpage-v1-abc.default~default.svc.cluster.local',
  metadata: {
    NAMESPACE: 'default',
    LABELS: { app: 'productpage', version: 'v1' },
    INTERCEPTION_MODE: 'NONE',
    HTTP_PROXY_PORT: '15080',
  },
};
const sidecarProxy = parseProxyInfo(SIDECAR_NODE);

const RETRY = {
  attempts: 2,
  perTryTimeoutMs: undefined,
  retryOn: '',
  retryRemoteLocalities: false,
  retryIgnorePreviousHosts: true,
  backoffMs: undefined,
};
const POLICY = {
  loadBalancer: undefined,
  connectionPool: undefined,
  outlierDetection: undefined,
  tls: undefined,
  portLevelSettings: [],
};
type Json = Record<string, unknown>;

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
          retries: { ...RETRY, attempts: 3, retryRemoteLocalities: true },
        }),
      ],
    });
    const dr = destinationRule('default', 'reviews', {
      host: 'reviews',
      trafficPolicy: { ...POLICY, loadBalancer: { kind: 'simple', simple: 'PASSTHROUGH' } },
    });
    const res = translateFor(bookinfoObjects([vs, dr]));
    assert.ok(
      res.notes.some((n) => n.includes('retryRemoteLocalities not applied')),
      res.notes.join('\n'),
    );
    assert.ok(
      res.notes.some((n) => n.includes('PASSTHROUGH applies to sidecars with transparent interception only')),
    );
  });

  it("gives routes Istio's default retry policy, or the VirtualService's, compiled as the proxy runs it", () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [
        httpRoute({
          match: [match({ uri: { kind: 'prefix', value: '/custom' } })],
          route: [dest('reviews', 'v1')],
          retries: { ...RETRY, attempts: 3, perTryTimeoutMs: 2000, retryOn: '5xx,409', backoffMs: 100 },
        }),
        httpRoute({
          match: [match({ uri: { kind: 'prefix', value: '/none' } })],
          route: [dest('reviews', 'v1')],
          retries: { ...RETRY, attempts: 0 },
        }),
        httpRoute({ route: [dest('reviews', 'v1')] }),
      ],
    });
    const res = translateFor(bookinfoObjects([vs]));
    const at = (path: string) => {
      const r = simulate(res, { routeConfig: '9080', authority: 'reviews', path }).route!;
      assert.equal(r.action.kind, 'route');
      return r.action.kind === 'route' ? r.action : undefined;
    };
    const custom = at('/custom')!.retryPolicy!;
    assert.equal(custom.numRetries, 3);
    assert.equal(custom.perTryTimeoutMs, 2000);
    assert.equal(custom.baseIntervalMs, 100);
    assert.equal(custom.retriableResponse(500, new HeaderMap()), true);
    assert.equal(custom.retriableResponse(409, new HeaderMap()), true);
    assert.equal(custom.previousHosts, true);
    assert.equal(at('/none')!.retryPolicy, undefined);
    const byDefault = at('/')!;
    const p = byDefault.retryPolicy!;
    assert.equal(p.numRetries, 2);
    assert.equal(p.retriableResponse(503, new HeaderMap()), true);
    assert.equal(p.retriableResponse(500, new HeaderMap()), false);
    assert.equal(p.retriableFailure('connect-failure', false), true);
    assert.equal(p.retriableResponse(200, new HeaderMap(['grpc-status', '14'])), true);
    assert.equal(p.hostSelectionMaxAttempts, 5);
    assert.equal(byDefault.includeRequestAttemptCount, true);
    const fallback = simulate(translateFor(bookinfoObjects()), { routeConfig: '9080', authority: 'reviews' });
    assert.equal(fallback.route?.action.kind === 'route' && fallback.route.action.retryPolicy?.numRetries, 2);
  });

  it('puts fault, CORS and mirror policies on the routes and the filters in the chain', () => {
    const vs = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [
        httpRoute({
          route: [dest('reviews', 'v1')],
          fault: { delay: { fixedDelayMs: 7000, percentage: 100 }, abort: undefined },
          corsPolicy: {
            allowOrigins: [{ kind: 'exact', value: 'https://a.example' }],
            allowMethods: ['GET'],
            allowHeaders: [],
            exposeHeaders: [],
            maxAgeMs: 60_000,
            allowCredentials: undefined,
          },
          mirrors: [{ destination: { host: 'reviews', subset: 'v2', port: 0 }, percentage: 50 }],
        }),
      ],
    });
    const res = translateFor(bookinfoObjects([vs]));
    const r = simulate(res, { routeConfig: '9080', authority: 'reviews' }).route!;
    assert.ok(r.perFilterConfig?.has('envoy.filters.http.fault'));
    assert.ok(r.perFilterConfig?.has('envoy.filters.http.cors'));
    assert.equal(r.action.kind === 'route' && r.action.mirrors?.[0]?.cluster, `outbound|9080|v2|${REVIEWS}`);
    assert.equal(r.action.kind === 'route' && r.action.mirrors?.[0]?.fraction, 500_000);
    const hcm = (res.listeners.get('127.0.0.1_15080') as Json).filter_chains as Json[];
    const filters = ((hcm[0]!.filters as Json[])[0]!.typed_config as Json).http_filters as { name: string }[];
    assert.deepEqual(
      filters.map((f) => f.name),
      ['envoy.filters.http.cors', 'envoy.filters.http.fault', 'envoy.filters.http.router'],
    );
    assert.equal(res.notes.length, 0, res.notes.join('\n'));
  });

  it('translates connectionPool limits to circuit breakers and outlierDetection as Istio does', () => {
    const dr = destinationRule('default', 'reviews', {
      host: 'reviews',
      trafficPolicy: {
        ...POLICY,
        connectionPool: {
          tcp: { maxConnections: 1, connectTimeoutMs: undefined },
          http: {
            http1MaxPendingRequests: 1,
            http2MaxRequests: undefined,
            maxRequestsPerConnection: 1,
            maxRetries: undefined,
            idleTimeoutMs: undefined,
            h2UpgradePolicy: 'DEFAULT',
          },
        },
        outlierDetection: {
          consecutive5xxErrors: 1,
          consecutiveGatewayErrors: undefined,
          consecutiveLocalOriginFailures: undefined,
          intervalMs: 1000,
          baseEjectionTimeMs: 3000,
          maxEjectionPercent: 100,
          minHealthPercent: 0,
        },
        loadBalancer: { kind: 'default', warmup: { durationMs: 30_000, minimumPercent: 10, aggression: 1 } },
      },
    });
    const res = translateFor(bookinfoObjects([dr]));
    const v = validateResource(RESOURCE_TYPE_URLS.cluster, res.clusters.get(`outbound|9080||${REVIEWS}`)!);
    assert.ok(v.ok);
    const c = v.resource;
    assert.equal(c.circuitBreakers?.default.maxConnections, 1);
    assert.equal(c.circuitBreakers?.default.maxPendingRequests, 1);
    assert.equal(c.circuitBreakers?.default.maxRequests, 4294967295);
    assert.equal(c.circuitBreakers?.default.trackRemaining, true);
    assert.equal(c.maxRequestsPerConnection, 1);
    assert.equal(c.outlierDetection?.consecutive5xx, 1);
    assert.equal(c.outlierDetection?.enforcingConsecutive5xx, 100);
    assert.equal(c.outlierDetection?.enforcingSuccessRate, 0);
    assert.equal(c.outlierDetection?.baseEjectionTimeMs, 3000);
    assert.equal(c.outlierDetection?.maxEjectionPercent, 100);
    assert.equal(c.healthyPanicThresholdPercent, 0);
    assert.deepEqual(c.slowStart, { windowMs: 30_000, aggression: 1, minWeightPercent: 10 });
    const ratings = validateResource(
      RESOURCE_TYPE_URLS.cluster,
      res.clusters.get(`outbound|9080||ratings.default.svc.cluster.local`)!,
    );
    assert.ok(ratings.ok);
    assert.equal(ratings.resource.circuitBreakers?.default.maxConnections, 4294967295);
    assert.equal(ratings.resource.outlierDetection, undefined);
  });

  it('orders endpoint localities by proximity when outlier detection is on, and distributes by weight', () => {
    const withOutliers = destinationRule('default', 'reviews', {
      host: 'reviews',
      trafficPolicy: {
        ...POLICY,
        outlierDetection: {
          consecutive5xxErrors: 5,
          consecutiveGatewayErrors: undefined,
          consecutiveLocalOriginFailures: undefined,
          intervalMs: 10_000,
          baseEjectionTimeMs: 30_000,
          maxEjectionPercent: 10,
          minHealthPercent: 0,
        },
      },
    });
    const east = parseProxyInfo({ ...SIDECAR_NODE, locality: { region: 'us', zone: 'east', sub_zone: 'b' } });
    const res = translateFor(bookinfoObjects([withOutliers]), east);
    const cla = res.endpoints.get(`outbound|9080||${REVIEWS}`) as {
      endpoints: { locality: { sub_zone: string }; priority?: number }[];
    };
    assert.deepEqual(
      cla.endpoints.map((e) => [e.locality.sub_zone, e.priority ?? 0]),
      [
        ['a', 1],
        ['b', 0],
      ],
    );
    const distribute = destinationRule('default', 'reviews', {
      host: 'reviews',
      trafficPolicy: {
        ...POLICY,
        loadBalancer: {
          kind: 'default',
          localityLbSetting: {
            distribute: [{ from: 'us/east/*', to: { 'us/east/a': 80, 'us/east/b': 20 } }],
            failover: [],
            failoverPriority: [],
            enabled: undefined,
          },
        },
      },
    });
    const res2 = translateFor(bookinfoObjects([distribute]), east);
    const cla2 = res2.endpoints.get(`outbound|9080||${REVIEWS}`) as {
      endpoints: { load_balancing_weight: number }[];
    };
    assert.deepEqual(
      cla2.endpoints.map((e) => e.load_balancing_weight),
      [80_000, 20_000],
    );
    const c = validateResource(RESOURCE_TYPE_URLS.cluster, res2.clusters.get(`outbound|9080||${REVIEWS}`)!);
    assert.ok(c.ok && c.resource.localityWeightedLb);
  });

  it("applies the Istio local rate limit task's EnvoyFilter (read in place) to productpage's inbound listener", () => {
    const file = path.resolve(
      import.meta.dirname,
      '../../../../shared/testdata/istio/samples/ratelimit/local-rate-limit-service.yaml',
    );
    const read = readIstioConfig(readFileSync(file, 'utf8'), file);
    assert.equal(read.objects.length, 1);
    assert.deepEqual(
      read.issues.filter((i) => i.code === 'TANDEM_WARN_ISTIO_UNSUPPORTED_FIELD'),
      [],
    );
    const ingress = sidecar('default', 'productpage', {
      workloadSelector: { app: 'productpage' },
      ingress: [{ port: httpPort(8000, 'http'), bind: '127.0.0.9', defaultEndpoint: '127.0.0.1:9080' }],
    });
    const res = translateFor(bookinfoObjects([ingress as never, ...(read.objects as never[])]));
    const listener = res.listeners.get('127.0.0.9_8000') as Json;
    const hcm = ((listener.filter_chains as Json[])[0]!.filters as Json[])[0]!.typed_config as Json;
    const names = (hcm.http_filters as { name: string }[]).map((f) => f.name);
    assert.deepEqual(names, ['envoy.filters.http.local_ratelimit', 'envoy.filters.http.router']);
    const route = ((hcm.route_config as Json).virtual_hosts as Json[])[0]!.routes as Json[];
    assert.equal(((route[0]!.route as Json).rate_limits as unknown[]).length, 2);
    assert.ok((route[0]!.typed_per_filter_config as Json)['envoy.filters.http.local_ratelimit']);
    const outbound = res.listeners.get('127.0.0.1_15080') as Json;
    assert.ok(!JSON.stringify(outbound).includes('local_ratelimit'), 'inbound only');
    const other = translateFor(
      bookinfoObjects([ingress as never, ...(read.objects as never[])]),
      parseProxyInfo({ ...SIDECAR_NODE, metadata: { ...SIDECAR_NODE.metadata, LABELS: { app: 'reviews' } } }),
    );
    assert.ok(!JSON.stringify([...other.listeners.values()]).includes('local_ratelimit'), 'productpage only');
  });

  it('reports EnvoyFilter patches it does not apply', () => {
    const text = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: tweak, namespace: default }
spec:
  configPatches:
    - applyTo: CLUSTER
      match: { context: SIDECAR_OUTBOUND }
      patch: { operation: MERGE, value: { connect_timeout: 1s } }
`;
    const read = readIstioConfig(text, 'tweak.yaml');
    assert.match(
      read.issues.map((i) => i.message).join('\n'),
      /not supported by Tandem yet and ignored: applyTo CLUSTER/,
    );
    const res = translateFor(bookinfoObjects(read.objects as never[]));
    assert.ok(res.notes.some((n) => /EnvoyFilter default\/tweak configPatches\[0\]: not applied/.test(n)));
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

  it('DestinationRule PASSTHROUGH: the original destination, no balancing (transparent sidecars only)', () => {
    const rule = destinationRule('default', 'ratings', {
      host: 'ratings',
      trafficPolicy: { ...POLICY, loadBalancer: { kind: 'simple', simple: 'PASSTHROUGH' } },
    });
    const objects = bookinfoObjects([rule as never]);
    const snapshot = buildMeshSnapshot('v1', objects, servicesFromConfig(objects));
    const res = translate(snapshot, redirected);
    assertAllValid(res);
    const ratings = res.clusters.get('outbound|9080||ratings.default.svc.cluster.local') as Record<
      string,
      unknown
    >;
    assert.equal(ratings['type'], 'ORIGINAL_DST');
    assert.equal(ratings['lb_policy'], 'CLUSTER_PROVIDED');
    assert.equal(ratings['eds_cluster_config'], undefined);
    assert.equal(res.endpoints.has('outbound|9080||ratings.default.svc.cluster.local'), false);
    // Other services keep their balanced EDS clusters.
    assert.equal((res.clusters.get(`outbound|9080||${REVIEWS}`) as Record<string, unknown>)['type'], 'EDS');
    // An explicit-mode sidecar has no original destination: it balances, and says why.
    const explicit = translate(
      snapshot,
      parseProxyInfo({
        id: 'sidecar~10.0.0.9~client.default~default.svc.cluster.local',
        metadata: { NAMESPACE: 'default', INTERCEPTION_MODE: 'NONE' },
      }),
    );
    const balanced = explicit.clusters.get('outbound|9080||ratings.default.svc.cluster.local') as Record<
      string,
      unknown
    >;
    assert.equal(balanced['type'], 'EDS');
    assert.ok(
      explicit.notes.some((n) =>
        /PASSTHROUGH applies to sidecars with transparent interception only/.test(n),
      ),
    );
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
