import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type DeltaDiscoveryResponse, decodeResource, TypeUrls } from '@tandem/xds-proto';
import { type AdsHarness, type DeltaStream, NODE, startAds } from './testing/ads-harness.ts';
import { sampleSnapshot } from './testing/sample-snapshot.ts';

const { cluster: CDS, clusterLoadAssignment: EDS } = TypeUrls;

function summary(response: DeltaDiscoveryResponse) {
  return {
    type: response.type_url,
    system_version_info: response.system_version_info,
    resources: response.resources.map((r) => r.name),
    removed: response.removed_resources,
  };
}

describe('delta ADS', () => {
  let ads: AdsHarness;
  let stream: DeltaStream;
  beforeEach(async () => {
    ads = await startAds();
    ads.cache.setSnapshot('web', sampleSnapshot());
    stream = ads.delta();
  });
  afterEach(() => ads.close());

  it('sends every cluster for a wildcard subscription, with per-resource versions, then only changes', async () => {
    stream.send({ node: NODE, type_url: CDS });
    const first = await stream.next();
    assert.deepEqual(summary(first), {
      type: CDS,
      system_version_info: '1',
      resources: ['api', 'web'],
      removed: [],
    });
    assert.deepEqual(decodeResource(first.resources[1]!.resource).name, 'web');
    assert.match(first.resources[0]!.version, /^[0-9a-f]{16}$/);
    stream.send({ type_url: CDS, response_nonce: first.nonce });
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [8080], db: [5432] } }));
    const second = await stream.next();
    assert.deepEqual(summary(second), {
      type: CDS,
      system_version_info: '2',
      resources: ['db'],
      removed: ['api'],
    });
    stream.send({ type_url: CDS, response_nonce: second.nonce });
    assert.ok(await stream.quiet());
    const type = ads.server.getStatus().connections[0]!.types[0]!;
    assert.equal(type.wildcard, true);
    assert.equal(type.lastAckedVersion, '2');
  });

  it('subscribes and unsubscribes explicit names, telling the client which do not exist', async () => {
    stream.send({ node: NODE, type_url: EDS, resource_names_subscribe: ['web', 'ghost'] });
    assert.deepEqual(summary(await stream.next()), {
      type: EDS,
      system_version_info: '1',
      resources: ['web'],
      removed: ['ghost'],
    });
    stream.send({ type_url: EDS, resource_names_subscribe: ['api'], resource_names_unsubscribe: ['ghost'] });
    assert.deepEqual(summary(await stream.next()).resources, ['api']);
    stream.send({ type_url: EDS, resource_names_unsubscribe: ['api'] });
    assert.ok(await stream.quiet());
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [8080], api: [1] } }));
    assert.ok(await stream.quiet(), '"api" changed, but it is no longer subscribed');
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '3', clusters: { api: [1] } }));
    assert.deepEqual(summary(await stream.next()).removed, ['web']);
    const [status] = ads.server.getStatus().connections;
    assert.deepEqual(status!.types[0]!.subscribed, ['web']);
  });

  it('after a reconnect, sends only what differs from initial_resource_versions', async () => {
    stream.send({ node: NODE, type_url: CDS });
    const first = await stream.next();
    const held = Object.fromEntries(first.resources.map((r) => [r.name, r.version]));
    stream.close();
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [8080], db: [1] } }));
    const again = ads.delta();
    again.send({ node: NODE, type_url: CDS, initial_resource_versions: { ...held, old: 'v0' } });
    assert.deepEqual(summary(await again.next()), {
      type: CDS,
      system_version_info: '2',
      resources: ['db'],
      removed: ['api', 'old'],
    });
  });

  it('records a NACK and does not resend the rejected resources', async () => {
    stream.send({ node: NODE, type_url: CDS });
    const first = await stream.next();
    stream.send({
      type_url: CDS,
      response_nonce: first.nonce,
      error_detail: { code: 13, message: 'bad cluster' },
    });
    assert.ok(await stream.quiet());
    const type = ads.server.getStatus().connections[0]!.types[0]!;
    assert.equal(type.lastAckedVersion, null);
    assert.deepEqual(
      [type.lastNack?.message, type.lastNack?.nonce, type.lastNack?.code],
      ['bad cluster', first.nonce, 13],
    );
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2' }));
    assert.ok(await stream.quiet(), 'same content under a new snapshot version');
  });

  it('applies subscriptions of a request with a stale nonce', async () => {
    stream.send({ node: NODE, type_url: EDS, resource_names_subscribe: ['web'] });
    await stream.next();
    stream.send({ type_url: EDS, resource_names_subscribe: ['api'], response_nonce: 'old' });
    assert.deepEqual(summary(await stream.next()).resources, ['api']);
    assert.equal(ads.server.getStatus().counters.staleNonces, 1);
  });

  it('handles explicit wildcard subscribe and unsubscribe for any type', async () => {
    stream.send({ node: NODE, type_url: EDS, resource_names_subscribe: ['*'] });
    assert.deepEqual(summary(await stream.next()).resources, ['api', 'web']);
    stream.send({ type_url: EDS, resource_names_unsubscribe: ['*'], resource_names_subscribe: ['web'] });
    assert.ok(await stream.quiet());
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [1], api: [2] } }));
    assert.deepEqual(summary(await stream.next()).resources, ['web']);
  });
});
