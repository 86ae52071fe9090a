/**
 * What lets one translation serve many proxies and one change cost little: the translation key
 * (what translation reads of a proxy), config objects and snapshot entries that keep their
 * identity while unchanged, memoized translation pieces, and encoded resources reused between
 * snapshots.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readIstioConfig } from '@tandem/api';
import type { IstioObject } from '@tandem/api/istio';
import { TypeUrls } from '@tandem/xds-proto';
import { ConfigStore, type FileParse } from '../src/config/config-store.ts';
import { buildMeshSnapshot } from '../src/model/mesh-snapshot.ts';
import { parseProxyInfo } from '../src/proxy/proxy-info.ts';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';
import { translate } from '../src/translate/translate.ts';
import { translationInputs } from '../src/translate/translation-key.ts';
import { ResourceCache } from '../src/xds/resource-cache.ts';
import { buildSnapshot } from '../src/xds/snapshot.ts';
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

const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

function objects(reviewsEndpoint = '10.0.0.1', extra: IstioObject[] = []): IstioObject[] {
  return [
    serviceEntry('default', 'reviews', {
      hosts: ['reviews'],
      ports: [httpPort(9080, 'http')],
      endpoints: [workload(reviewsEndpoint, { app: 'reviews', version: 'v1' })],
    }),
    serviceEntry('default', 'ratings', {
      hosts: ['ratings'],
      ports: [httpPort(9080, 'http')],
      endpoints: [workload('10.0.1.1', { app: 'ratings' })],
    }),
    destinationRule('default', 'reviews', { host: 'reviews', subsets: [subset('v1', { version: 'v1' })] }),
    ...extra,
  ];
}

function mesh(list: IstioObject[]) {
  return buildMeshSnapshot('1', list, servicesFromConfig(list));
}

function proxy(labels: Record<string, string>, metadata: Record<string, unknown> = {}) {
  return parseProxyInfo({
    id: 'sidecar~10.0.9.9~productpage-1.default~default.svc.cluster.local',
    metadata: { NAMESPACE: 'default', LABELS: labels, ...metadata },
  });
}

function fileOf(list: IstioObject[]): { file: string; parse: FileParse }[] {
  return [{ file: 'mesh.yaml', parse: { objects: list, rejected: [], notices: [] } }];
}

describe('translation shared between proxies and between changes', () => {
  it('gives replicas and versions of a workload one key, unless a selector tells them apart', () => {
    const plain = mesh(objects());
    const v1 = proxy({ app: 'productpage', version: 'v1' });
    const v2 = proxy({ app: 'productpage', version: 'v2' });
    assert.equal(translationInputs(plain, v1).key, translationInputs(plain, v2).key);
    assert.notEqual(
      translationInputs(plain, v1).key,
      translationInputs(plain, proxy({ app: 'productpage' }, { OUTBOUND_LISTENERS: 'http-proxy' })).key,
    );
    const bySource = virtualService('default', 'reviews', {
      hosts: ['reviews'],
      http: [
        httpRoute({ match: [match({ sourceLabels: { version: 'v2' } })], route: [dest('reviews', 'v1')] }),
      ],
    });
    const routed = mesh(objects('10.0.0.1', [bySource]));
    assert.notEqual(translationInputs(routed, v1).key, translationInputs(routed, v2).key);
    const scoped = mesh(
      objects('10.0.0.1', [
        sidecar('default', 'v2-only', {
          workloadSelector: { version: 'v2' },
          egress: [{ port: undefined, bind: '', hosts: ['./ratings.default.svc.cluster.local'] }],
        }),
      ]),
    );
    assert.notEqual(translationInputs(scoped, v1).key, translationInputs(scoped, v2).key);
  });

  it('keeps unchanged objects, services and translated pieces identical from one change to the next', () => {
    const store = new ConfigStore();
    store.apply(fileOf(objects('10.0.0.1')));
    const before = mesh(store.list());
    store.apply(fileOf(objects('10.0.0.2')));
    const after = mesh(store.list());
    assert.equal(
      after.services.get('ratings.default.svc.cluster.local'),
      before.services.get('ratings.default.svc.cluster.local'),
    );
    assert.notEqual(
      after.services.get('reviews.default.svc.cluster.local'),
      before.services.get('reviews.default.svc.cluster.local'),
    );
    assert.equal(
      after.destinationRules.get('reviews.default.svc.cluster.local'),
      before.destinationRules.get('reviews.default.svc.cluster.local'),
    );
    const p = proxy({ app: 'productpage' });
    const [a, b] = [translate(before, p), translate(after, p)];
    assert.equal(b.clusters.get(RATINGS), a.clusters.get(RATINGS));
    assert.equal(b.endpoints.get(RATINGS), a.endpoints.get(RATINGS));
    assert.notEqual(b.endpoints.get(REVIEWS), a.endpoints.get(REVIEWS), 'the moved endpoint');
    assert.deepEqual(b.clusters.get(REVIEWS), a.clusters.get(REVIEWS));
    assert.ok(Object.isFrozen(b.clusters.get(REVIEWS)), 'shared pieces cannot be changed by accident');
    assert.equal(b.routes.get('9080'), a.routes.get('9080'), 'the route configuration keeps its identity');
    assert.deepEqual(b.notes, a.notes);
  });

  it('encodes a resource once for all the snapshots built with one cache', () => {
    const cache = new ResourceCache();
    const p = proxy({ app: 'productpage' });
    const build = (list: IstioObject[]) => {
      const res = translate(mesh(list), p);
      return buildSnapshot(
        '1',
        {
          [TypeUrls.listener]: [...res.listeners.values()],
          [TypeUrls.routeConfiguration]: [...res.routes.values()],
          [TypeUrls.cluster]: [...res.clusters.values()],
          [TypeUrls.clusterLoadAssignment]: [...res.endpoints.values()],
        },
        cache,
      );
    };
    const first = build(objects('10.0.0.1'));
    const encoded = cache.counters.encoded;
    cache.rotate();
    const second = build(objects('10.0.0.2'));
    const eds = TypeUrls.clusterLoadAssignment;
    assert.equal(second.resources.get(eds)!.get(RATINGS), first.resources.get(eds)!.get(RATINGS));
    assert.notEqual(second.resources.get(eds)!.get(REVIEWS), first.resources.get(eds)!.get(REVIEWS));
    assert.equal(second.typeVersions.get(TypeUrls.cluster), first.typeVersions.get(TypeUrls.cluster));
    assert.ok(cache.counters.encoded - encoded <= 2, 'only the changed endpoint assignments were encoded');
  });

  it('shares the outbound side between transparent sidecars that serve other ports, each patched on its own copy', () => {
    const filter = readIstioConfig(
      `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: lua, namespace: default }
spec:
  workloadSelector: { labels: { app: reviews } }
  configPatches:
    - applyTo: HTTP_FILTER
      match: { context: SIDECAR_OUTBOUND, listener: { filterChain: { filter: { name: envoy.filters.network.http_connection_manager } } } }
      patch:
        operation: INSERT_BEFORE
        value: { name: envoy.filters.http.local_ratelimit, typed_config: { '@type': type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, stat_prefix: rl } }
`,
      'lua.yaml',
    ).objects;
    const list = objects('10.0.0.1', [
      serviceEntry('default', 'details', {
        hosts: ['details'],
        ports: [httpPort(9091, 'http')],
        endpoints: [workload('10.0.2.1', { app: 'details' })],
      }),
      ...filter,
    ]);
    const snapshot = mesh(list);
    const transparent = (ip: string, app: string) =>
      parseProxyInfo({
        id: `sidecar~${ip}~${app}-1.default~default.svc.cluster.local`,
        metadata: { NAMESPACE: 'default', LABELS: { app }, INTERCEPTION_MODE: 'REDIRECT' },
      });
    const reviews = translationInputs(snapshot, transparent('10.0.0.1', 'reviews'));
    const details = translationInputs(snapshot, transparent('10.0.2.1', 'details'));
    const otherDetails = translationInputs(snapshot, transparent('10.0.2.1', 'details'));
    assert.notEqual(reviews.key, details.key);
    const [a, b, c] = [reviews, details, otherDetails].map((inputs) => translate(snapshot, inputs.proxy));
    // The same route configurations and clusters, not copies...
    assert.equal(b!.routes.get('9080'), c!.routes.get('9080'));
    assert.equal(a!.clusters.get(REVIEWS), b!.clusters.get(REVIEWS));
    // ...but each its own listeners, inbound for the ports it serves, and only reviews' patched.
    assert.notEqual(b!.listeners.get('0.0.0.0_9080'), c!.listeners.get('0.0.0.0_9080'));
    const inboundPorts = (r: typeof a) =>
      ((r!.listeners.get('virtualInbound')!.filter_chains as { name: string }[]) ?? []).map((ch) => ch.name);
    assert.ok(inboundPorts(a).some((name) => name.includes('9080')));
    assert.ok(inboundPorts(b).some((name) => name.includes('9091')));
    assert.ok(!inboundPorts(b).some((name) => name.includes('9080')));
    const patched = (r: typeof a) =>
      JSON.stringify(r!.listeners.get('0.0.0.0_9080')).includes('local_ratelimit');
    assert.equal(patched(a), true);
    assert.equal(patched(b), false);
    assert.equal(
      patched(translate(snapshot, reviews.proxy)),
      true,
      'patching a copy left the shared part alone',
    );
    assert.equal(patched(translate(snapshot, details.proxy)), false);
  });
});
