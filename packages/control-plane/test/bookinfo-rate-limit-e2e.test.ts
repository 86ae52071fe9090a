/**
 * Istio's local rate limiting task on the project's bookinfo, through the control plane: the
 * EnvoyFilter of Istio's sample (`samples/ratelimit/local-rate-limit-service.yaml`, read in place and
 * unchanged) inserts the local rate limit filter in productpage's inbound HTTP filters and merges a
 * token bucket per descriptor into the routes of `inbound|http|8000`: 10 requests a minute for
 * `/productpage`, 100 for everything else. The harness gives productpage's sidecar that inbound port.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BookinfoMesh, type Reply, SAMPLES } from './helpers/bookinfo-mesh.ts';

const STATS = 'test_enabled.http_local_rate_limit.';

describe('bookinfo local rate limiting through the control plane', () => {
  let mesh: BookinfoMesh;

  before(async () => {
    mesh = await BookinfoMesh.start({
      networking: ['destination-rule-all.yaml', 'virtual-service-all-v1.yaml'],
      ratingsReplicas: 1,
    });
  });

  after(async () => {
    await mesh?.stop();
  });

  it("Istio's local-rate-limit-service.yaml gives the product page 10 requests, then 429 with x-ratelimit headers", async () => {
    mesh.link(path.join(SAMPLES, 'ratelimit', 'local-rate-limit-service.yaml'));
    await mesh.reload();
    const pp = mesh.workload('productpage').proxy;
    const before = await mesh.stats(pp);
    // The limiter takes tokens only once both halves (filter and route config) are in place, and
    // then it marks every answer with x-ratelimit-*: the first marked page took the first token.
    const replies: Reply[] = [];
    await mesh.until('the rate limit in productpage sidecar', async () => {
      const r = await mesh.productPage();
      if (r.headers['x-ratelimit-limit'] !== undefined) replies.push(r);
      return replies.length > 0;
    });
    for (let i = 0; i < 14; i++) replies.push(await mesh.productPage());
    const allowed = replies.slice(0, 10);
    const limited = replies.slice(10);
    for (const [i, r] of allowed.entries()) {
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-ratelimit-limit'], '10');
      assert.equal(r.headers['x-ratelimit-remaining'], String(9 - i));
      assert.equal(r.headers['x-local-rate-limit'], undefined);
    }
    for (const r of limited) {
      assert.equal(r.status, 429);
      assert.equal(r.body, 'local_rate_limited');
      assert.equal(r.headers['x-local-rate-limit'], 'true');
      assert.equal(r.headers['x-ratelimit-limit'], '10');
      assert.equal(r.headers['x-ratelimit-remaining'], '0');
      const reset = Number(r.headers['x-ratelimit-reset']);
      assert.ok(reset > 0 && reset <= 60, `x-ratelimit-reset ${reset}`);
    }
    const after = await mesh.stats(pp);
    const delta = (name: string) => (after.get(STATS + name) ?? 0) - (before.get(STATS + name) ?? 0);
    assert.equal(delta('ok'), 10);
    assert.equal(delta('rate_limited'), limited.length);
    assert.equal(delta('enforced'), limited.length);
    // Other paths fall in the 100-a-minute bucket (which the product pages drew from too).
    const api = await mesh.get('http://productpage:9080/api/v1/products');
    assert.equal(api.status, 200);
    assert.equal(api.headers['x-ratelimit-limit'], '100');
    assert.ok(Number(api.headers['x-ratelimit-remaining']) < 90);
  });
});
