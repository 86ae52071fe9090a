import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decodeResource, TypeUrls } from '@tandem/xds-proto';
import { type AdsHarness, NODE, type SotwStream, startAds } from './testing/ads-harness.ts';
import { sampleSnapshot } from './testing/sample-snapshot.ts';

const { listener: LDS, routeConfiguration: RDS, cluster: CDS, clusterLoadAssignment: EDS } = TypeUrls;

function names(response: { resources: { type_url: string; value: Uint8Array }[] }): string[] {
  return response.resources.map((any) => {
    const json = decodeResource(any);
    return String(json.name ?? json.cluster_name);
  });
}

function typeStatus(ads: AdsHarness, typeUrl: string) {
  const [connection] = ads.server.getStatus().connections;
  return connection!.types.find((type) => type.typeUrl === typeUrl)!;
}

describe('state-of-the-world ADS', () => {
  let ads: AdsHarness;
  let stream: SotwStream;
  beforeEach(async () => {
    ads = await startAds();
    ads.cache.setSnapshot('web', sampleSnapshot());
    stream = ads.sotw();
  });
  afterEach(() => ads.close());

  it('identifies the node, answers wildcard CDS and explicit EDS, and records ACKs', async () => {
    stream.send({ node: NODE, type_url: CDS });
    const cds = await stream.next();
    assert.equal(cds.type_url, CDS);
    assert.deepEqual(names(cds), ['api', 'web']);
    assert.deepEqual(
      ads.connected.map((node) => [node.id, node.locality?.zone, node.metadata]),
      [[NODE.id, 'z1', { NAMESPACE: 'default', REPLICAS: 2 }]],
    );
    stream.send({ type_url: CDS, version_info: cds.version_info, response_nonce: cds.nonce });
    stream.send({ type_url: EDS, resource_names: ['web'] });
    const eds = await stream.next();
    assert.deepEqual(names(eds), ['web']);
    assert.notEqual(eds.nonce, cds.nonce);
    stream.send({
      type_url: EDS,
      resource_names: ['web'],
      version_info: eds.version_info,
      response_nonce: eds.nonce,
    });
    assert.ok(await stream.quiet());
    const cdsStatus = typeStatus(ads, CDS);
    assert.equal(cdsStatus.lastAckedVersion, cds.version_info);
    assert.equal(cdsStatus.wildcard, true);
    assert.deepEqual(typeStatus(ads, EDS).subscribed, ['web']);
    assert.equal(ads.server.getStatus().counters.acks, 2);
  });

  it('answers a new subscription at once and only with what was asked', async () => {
    stream.send({ node: NODE, type_url: EDS, resource_names: ['web'] });
    const first = await stream.next();
    stream.send({
      type_url: EDS,
      resource_names: ['web', 'api'],
      version_info: first.version_info,
      response_nonce: first.nonce,
    });
    const second = await stream.next();
    assert.deepEqual(names(second), ['api', 'web']);
    assert.notEqual(second.version_info, first.version_info);
    stream.send({
      type_url: EDS,
      resource_names: ['api'],
      version_info: second.version_info,
      response_nonce: second.nonce,
    });
    assert.deepEqual(names(await stream.next()), ['api']);
  });

  it('keeps the ACKed version on a NACK, records the error, and does not resend the same version', async () => {
    stream.send({ node: NODE, type_url: CDS });
    const v1 = await stream.next();
    stream.send({ type_url: CDS, version_info: v1.version_info, response_nonce: v1.nonce });
    await waitFor(() => typeStatus(ads, CDS).lastAckedVersion === v1.version_info);
    ads.cache.setSnapshot(
      'web',
      sampleSnapshot({ version: '2', clusters: { web: [8080], api: [9090], db: [5432] } }),
    );
    const v2 = await stream.next();
    assert.deepEqual(names(v2), ['api', 'db', 'web']);
    stream.send({
      type_url: CDS,
      version_info: v1.version_info,
      response_nonce: v2.nonce,
      error_detail: { code: 3, message: 'cluster "db": unsupported' },
    });
    assert.ok(await stream.quiet());
    const status = typeStatus(ads, CDS);
    assert.equal(status.lastAckedVersion, v1.version_info);
    assert.equal(status.lastSentVersion, v2.version_info);
    assert.deepEqual(
      { version: status.lastNack?.version, nonce: status.lastNack?.nonce, message: status.lastNack?.message },
      { version: v2.version_info, nonce: v2.nonce, message: 'cluster "db": unsupported' },
    );
    ads.cache.setSnapshot(
      'web',
      sampleSnapshot({ version: '3', clusters: { web: [8080], api: [9090], db: [5432] } }),
    );
    assert.ok(await stream.quiet(), 'same content, no resend');
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '4' }));
    const v4 = await stream.next();
    assert.equal(v4.version_info, v1.version_info);
    assert.equal(ads.server.getStatus().counters.nacks, 1);
  });

  it('pushes only the types whose content changed', async () => {
    const sent = await subscribeAll(stream);
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [8081], api: [9090] } }));
    const pushed = await stream.next();
    assert.equal(pushed.type_url, EDS);
    assert.notEqual(pushed.version_info, sent.get(EDS));
    assert.ok(await stream.quiet(), 'CDS, LDS and RDS are unchanged');
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '3', clusters: { web: [8081], api: [9091] } }));
    assert.ok(await stream.quiet(), 'EDS for "api" changed, but this client only asked for "web"');
  });

  it('pushes only the endpoint assignments that changed, versioned as the whole set', async () => {
    stream.send({ node: NODE, type_url: EDS, resource_names: ['web', 'api'] });
    const full = await stream.next();
    assert.deepEqual(names(full), ['api', 'web']);
    stream.send({
      type_url: EDS,
      resource_names: ['api', 'web'],
      version_info: full.version_info,
      response_nonce: full.nonce,
    });
    assert.ok(await stream.quiet());
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [8081], api: [9090] } }));
    const pushed = await stream.next();
    assert.deepEqual(names(pushed), ['web'], 'api did not change');
    assert.equal(typeStatus(ads, EDS).lastSentResourceCount, 1);
    const fresh = ads.sotw();
    fresh.send({ node: NODE, type_url: EDS, resource_names: ['web', 'api'] });
    const whole = await fresh.next();
    assert.deepEqual(names(whole), ['api', 'web'], 'a new subscription gets everything');
    assert.equal(pushed.version_info, whole.version_info);
  });

  it('pushes clusters before endpoints before routes', async () => {
    await subscribeAll(stream);
    ads.cache.setSnapshot(
      'web',
      sampleSnapshot({ version: '2', clusters: { web: [1], api: [2], db: [3] }, listeners: { http: 'db' } }),
    );
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await stream.next()).type_url);
    assert.deepEqual(order, [CDS, EDS, RDS], 'the listener still names the same route configuration');
    assert.ok(await stream.quiet());
  });

  it('ignores requests that carry a stale nonce', async () => {
    stream.send({ node: NODE, type_url: EDS, resource_names: ['web'] });
    const first = await stream.next();
    stream.send({ type_url: EDS, resource_names: ['web', 'api'], response_nonce: 'not-ours' });
    assert.ok(await stream.quiet());
    assert.equal(ads.server.getStatus().counters.staleNonces, 1);
    stream.send({
      type_url: EDS,
      resource_names: ['web', 'api'],
      response_nonce: first.nonce,
      version_info: first.version_info,
    });
    assert.deepEqual(names(await stream.next()), ['api', 'web']);
  });

  it('waits for a snapshot when the node has none yet', async () => {
    stream.send({ node: { ...NODE, cluster: 'later' }, type_url: CDS });
    assert.ok(await stream.quiet());
    assert.equal(ads.server.getStatus().connections[0]!.snapshotVersion, null);
    ads.cache.setSnapshot('later', sampleSnapshot({ version: '9', clusters: { only: [1] } }));
    assert.deepEqual(names(await stream.next()), ['only']);
  });
});

describe('state-of-the-world ADS across streams', () => {
  let ads: AdsHarness;
  beforeEach(async () => {
    ads = await startAds();
    ads.cache.setSnapshot('web', sampleSnapshot());
  });
  afterEach(() => ads.close());

  it('after a reconnect, stays quiet for an up-to-date wildcard and answers explicit names', async () => {
    const before = ads.sotw();
    before.send({ node: NODE, type_url: CDS });
    const cds = await before.next();
    before.send({ type_url: EDS, resource_names: ['web'] });
    const eds = await before.next();
    before.close();
    await waitFor(() => ads.disconnected.length === 1);
    assert.deepEqual(ads.disconnected, [`${NODE.id}@web`]);

    const after = ads.sotw();
    after.send({ node: NODE, type_url: CDS, version_info: cds.version_info });
    after.send({ type_url: EDS, resource_names: ['web'], version_info: eds.version_info });
    const again = await after.next();
    assert.equal(again.type_url, EDS);
    assert.equal(again.version_info, eds.version_info);
    assert.ok(await after.quiet());
    const [status] = ads.server.getStatus().connections;
    assert.equal(status!.types.find((t) => t.typeUrl === CDS)!.lastAckedVersion, cds.version_info);
    ads.cache.setSnapshot('web', sampleSnapshot({ version: '2', clusters: { web: [8080] } }));
    assert.deepEqual(names(await after.next()), ['web']);
  });

  it('after a reconnect with an outdated version, sends the current one', async () => {
    const stream = ads.sotw();
    stream.send({ node: NODE, type_url: CDS, version_info: 'from-before' });
    assert.deepEqual(names(await stream.next()), ['api', 'web']);
  });

  it('ends a stream whose first request has no node, and one the callback refuses', async () => {
    const stream = ads.sotw();
    stream.send({ type_url: CDS });
    const status = await stream.ended;
    assert.equal(status.code, 3);
    assert.match(status.details, /first request of a stream must carry the node \[TANDEM_ERR_XDS_PROTOCOL\]/);
    await ads.close();
    ads = await startAds({
      onConnect: async (node) => {
        throw new Error(`unknown proxy ${node.id}`);
      },
    });
    const refused = ads.sotw();
    refused.send({ node: NODE, type_url: CDS });
    const denied = await refused.ended;
    assert.equal(denied.code, 7);
    assert.match(denied.details, /unknown proxy/);
  });

  it('serves many nodes from one shared snapshot', async () => {
    const shared = sampleSnapshot({ version: 'shared' });
    ads.cache.setSnapshot('a', shared);
    ads.cache.setSnapshot('b', shared);
    const a = ads.sotw();
    const b = ads.sotw();
    a.send({ node: { ...NODE, id: 'a', cluster: 'a' }, type_url: CDS });
    b.send({ node: { ...NODE, id: 'b', cluster: 'b' }, type_url: CDS });
    assert.equal((await a.next()).version_info, (await b.next()).version_info);
    const status = ads.server.getStatus();
    assert.deepEqual(status.connections.map((c) => [c.nodeId, c.nodeKey, c.snapshotVersion]).sort(), [
      ['a', 'a', 'shared'],
      ['b', 'b', 'shared'],
    ]);
  });
});

/** Subscribes to all four types (CDS, EDS web, LDS, RDS) and ACKs each; returns the versions. */
async function subscribeAll(stream: SotwStream): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  const requests = [
    { node: NODE, type_url: CDS },
    { type_url: EDS, resource_names: ['web'] },
    { type_url: LDS },
    { type_url: RDS, resource_names: ['http-routes'] },
  ];
  for (const request of requests) {
    stream.send(request);
    const response = await stream.next();
    versions.set(response.type_url, response.version_info);
    stream.send({
      ...request,
      node: null,
      version_info: response.version_info,
      response_nonce: response.nonce,
    });
  }
  assert.ok(await stream.quiet());
  return versions;
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
