/**
 * The Kubernetes registry driving a real ControlPlane, watched by a real xDS client (SotW ADS over
 * gRPC on 127.0.0.1). The API server here is a FAKE (test/kube/fake-api-server.ts): there is no
 * Kubernetes API server on these machines, so the fake speaks the real list/watch protocol
 * (resourceVersion, streamed JSON events, bookmarks, 410 Gone) for the informers to run against.
 * Each change made through the API (add, update, delete, and changes missed during a 410 or a
 * dropped connection) shows up in what the control plane pushes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DiscoveryResponse, decodeResource, TypeUrls } from '@tandem/xds-proto';
import { ControlPlane } from '../../src/control-plane.ts';
import { KubeClient } from '../../src/kube/kube-client.ts';
import { KubeRegistry } from '../../src/registry/kube-registry.ts';
import type { SotwStream } from '../../src/xds/testing/ads-harness.ts';
import { connectAds, openStream } from '../../src/xds/testing/ads-test-client.ts';
import { FakeApiServer } from './fake-api-server.ts';
import {
  defineAll,
  PATHS,
  reviewsDestinationRule,
  reviewsPod,
  reviewsService,
  reviewsSlice,
} from './kube-fixtures.ts';

const { cluster: CDS, clusterLoadAssignment: EDS } = TypeUrls;
const HOST = 'reviews.default.svc.cluster.local';
const NODE = {
  id: 'sidecar~10.0.0.9~productpage-1.default~default.svc.cluster.local',
  metadata: { fields: { NAMESPACE: { stringValue: 'default' }, INTERCEPTION_MODE: { stringValue: 'NONE' } } },
};

let api: FakeApiServer;
let client: KubeClient;
let registry: KubeRegistry;
let cp: ControlPlane;
let grpcClient: ReturnType<typeof connectAds>;
let ads: SotwStream;
const latest = new Map<string, Record<string, unknown>[]>();
const logs: string[] = [];

/**
 * Reads (and ACKs) ADS responses until `check` holds for the latest resources of `typeUrl`. One
 * stream carries CDS and EDS, as a sidecar's does.
 */
async function until(
  typeUrl: string,
  check: (resources: Record<string, unknown>[]) => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 5000;
  if (check(latest.get(typeUrl) ?? [])) return;
  while (Date.now() < deadline) {
    let r: DiscoveryResponse;
    try {
      r = await ads.next(deadline - Date.now());
    } catch {
      break;
    }
    const names = r.type_url === EDS ? { resource_names: edsNames } : {};
    ads.send({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce, ...names });
    latest.set(
      r.type_url,
      r.resources.map((x) => decodeResource(x)),
    );
    if (r.type_url === typeUrl && check(latest.get(typeUrl)!)) return;
  }
  assert.fail(
    `${what}: never pushed; last: ${JSON.stringify(latest.get(typeUrl)).slice(0, 600)}\n${logs.join('\n')}`,
  );
}

let edsNames: string[] = [];
function subscribeEds(names: string[]): void {
  edsNames = names;
  ads.send({ type_url: EDS, resource_names: names });
}

function addresses(resources: Record<string, unknown>[], cluster: string): string[] {
  const cla = resources.find((r) => r.cluster_name === cluster) as
    | {
        endpoints?: { lb_endpoints?: { endpoint: { address: { socket_address: { address: string } } } }[] }[];
      }
    | undefined;
  return (cla?.endpoints ?? [])
    .flatMap((l) => l.lb_endpoints ?? [])
    .map((e) => e.endpoint.address.socket_address.address)
    .sort();
}

const clusterNames = (rs: Record<string, unknown>[]) => rs.map((r) => String(r.name));

before(async () => {
  api = await FakeApiServer.start();
  defineAll(api);
  api.upsert(PATHS.namespaces, { metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } } });
  api.upsert(PATHS.services, reviewsService());
  api.upsert(PATHS.pods, reviewsPod('reviews-a', '10.0.0.1', 'v1'));
  api.upsert(PATHS.slices, reviewsSlice([{ ip: '10.0.0.1', pod: 'reviews-a' }]));
  client = new KubeClient({ server: api.url });
  registry = new KubeRegistry({
    client,
    log: (l) => logs.push(l),
    informer: { backoffInitialMs: 20, backoffMaxMs: 100, notInstalledRetryMs: 100 },
  });
  await registry.start();
  cp = new ControlPlane({
    registries: [registry],
    configSources: [registry],
    debounceQuietMs: 10,
    debounceMaxMs: 50,
    log: (l) => logs.push(l),
  });
  await cp.start();
  const port = await cp.ads.listen('127.0.0.1:0');
  grpcClient = connectAds(port);
  ads = openStream(grpcClient, 'StreamAggregatedResources');
  ads.send({ node: NODE, type_url: CDS });
});

after(async () => {
  ads?.close();
  grpcClient?.close();
  await cp?.stop();
  await registry?.stop();
  client?.close();
  await api?.close();
});

describe('Kubernetes registry -> control plane -> xDS', () => {
  it('pushes the service listed at start, with its endpoint', async () => {
    await until(CDS, (rs) => clusterNames(rs).includes(`outbound|9080||${HOST}`), 'reviews cluster');
    subscribeEds([`outbound|9080||${HOST}`, `outbound|9080|v1|${HOST}`, `outbound|9080|v2|${HOST}`]);
    await until(EDS, (rs) => addresses(rs, `outbound|9080||${HOST}`).join() === '10.0.0.1', 'first endpoint');
    assert.equal(registry.namespaceLabels('default')?.['istio-injection'], 'enabled');
    const svc = registry.services().find((s) => s.hostname === HOST)!;
    assert.equal(svc.endpoints[0]!.serviceAccount, 'bookinfo-reviews', 'pod identity attached');
    assert.equal(svc.endpoints[0]!.labels.version, 'v1');
  });

  it('add: a new pod and endpoint appear in EDS', async () => {
    api.upsert(PATHS.pods, reviewsPod('reviews-b', '10.0.0.2', 'v1'));
    api.upsert(
      PATHS.slices,
      reviewsSlice([
        { ip: '10.0.0.1', pod: 'reviews-a' },
        { ip: '10.0.0.2', pod: 'reviews-b' },
      ]),
    );
    await until(
      EDS,
      (rs) => addresses(rs, `outbound|9080||${HOST}`).join() === '10.0.0.1,10.0.0.2',
      'second endpoint',
    );
  });

  it('update: an Istio DestinationRule from the API adds subsets; a pod relabel moves it between them', async () => {
    api.upsert(PATHS.destinationRules, reviewsDestinationRule());
    await until(CDS, (rs) => clusterNames(rs).includes(`outbound|9080|v2|${HOST}`), 'subset clusters');
    await until(
      EDS,
      (rs) => addresses(rs, `outbound|9080|v1|${HOST}`).join() === '10.0.0.1,10.0.0.2',
      'v1 subset',
    );
    api.upsert(PATHS.pods, reviewsPod('reviews-b', '10.0.0.2', 'v2'));
    await until(
      EDS,
      (rs) =>
        addresses(rs, `outbound|9080|v1|${HOST}`).join() === '10.0.0.1' &&
        addresses(rs, `outbound|9080|v2|${HOST}`).join() === '10.0.0.2',
      'relabelled pod in subset v2',
    );
  });

  it('delete: a removed DestinationRule takes its subset clusters away', async () => {
    api.remove(PATHS.destinationRules, 'default', 'reviews');
    await until(CDS, (rs) => !clusterNames(rs).includes(`outbound|9080|v2|${HOST}`), 'subsets removed');
  });

  it('410 Gone: changes made while the watch was down are found by listing again', async () => {
    const services = registry.informers.services;
    const goneBefore = services.stats.gone;
    api.dropWatches();
    api.upsert(PATHS.services, reviewsService(9090));
    api.compact();
    await until(CDS, (rs) => clusterNames(rs).includes(`outbound|9090||${HOST}`), 'port change after relist');
    assert.ok(services.stats.gone > goneBefore, 'relisted after 410');
  });

  it('410 Gone as an HTTP status is handled the same way', async () => {
    api.goneAs = 'status';
    const pods = registry.informers.pods;
    const listsBefore = pods.stats.lists;
    api.dropWatches();
    api.upsert(PATHS.pods, reviewsPod('reviews-b', '10.0.0.2', 'v1'));
    api.compact();
    const deadline = Date.now() + 3000;
    while (pods.stats.lists === listsBefore && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(pods.stats.lists > listsBefore);
    api.goneAs = 'event';
  });

  it('bookmarks advance the resourceVersion, so a reconnect after compaction needs no relist', async () => {
    const slices = registry.informers.endpointSlices;
    subscribeEds([`outbound|9090||${HOST}`]);
    api.upsert(PATHS.namespaces, { metadata: { name: 'other' } });
    // Bookmarks go to open watches only; the informer may still be relisting after the last test.
    const bookmarksBefore = slices.stats.bookmarks;
    const deadline = Date.now() + 3000;
    while (
      (slices.stats.bookmarks === bookmarksBefore || slices.resourceVersion !== api.resourceVersion) &&
      Date.now() < deadline
    ) {
      api.bookmark();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(slices.resourceVersion, api.resourceVersion);
    assert.ok(slices.stats.bookmarks > bookmarksBefore);
    const listsBefore = slices.stats.lists;
    api.compact();
    api.dropWatches();
    api.upsert(PATHS.slices, reviewsSlice([{ ip: '10.0.0.3', pod: 'reviews-c' }]));
    await until(
      EDS,
      (rs) => addresses(rs, `outbound|9090||${HOST}`).join() === '10.0.0.3',
      'endpoint after reconnect',
    );
    assert.equal(slices.stats.lists, listsBefore, 'watch resumed from the bookmark');
  });

  it('reconnects with backoff when the API server drops connections, and catches up', async () => {
    const slices = registry.informers.endpointSlices;
    const before = slices.stats.reconnects;
    api.failNext = 3;
    api.dropWatches();
    api.upsert(PATHS.slices, reviewsSlice([{ ip: '10.0.0.4', pod: 'reviews-d' }]));
    await until(
      EDS,
      (rs) => addresses(rs, `outbound|9090||${HOST}`).join() === '10.0.0.4',
      'endpoint after reconnect',
    );
    assert.ok(slices.stats.reconnects > before);
  });

  it('delete: a removed Service disappears from CDS', async () => {
    api.remove(PATHS.services, 'default', 'reviews');
    await until(CDS, (rs) => !clusterNames(rs).some((n) => n.endsWith(`|${HOST}`)), 'service removed');
  });
});
