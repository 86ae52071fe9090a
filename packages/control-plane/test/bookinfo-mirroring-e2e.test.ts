/**
 * Istio's mirroring task on the project's bookinfo, through the control plane: productpage's calls to
 * reviews go to v1 and are mirrored, all of them, to v2 (VirtualService `mirror` and
 * `mirrorPercentage`). The mirror sees the `-shadow` host; a slow mirror (its ratings call delayed
 * by a fault) and a failing one (its application stopped) change nothing for the client. The
 * mirroring sidecar's `/stats` count the shadows on the v2 cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BookinfoMesh, outbound, podOf, RATINGS_DELAYED_2S } from './helpers/bookinfo-mesh.ts';

const MIRROR = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 100
    mirror:
      host: reviews
      subset: v2
    mirrorPercentage:
      value: 100.0
`;

const V1 = `cluster.${outbound('reviews', 'v1')}.`;
const V2 = `cluster.${outbound('reviews', 'v2')}.`;

describe('bookinfo mirroring through the control plane', () => {
  let mesh: BookinfoMesh;

  before(async () => {
    mesh = await BookinfoMesh.start({
      networking: ['destination-rule-all.yaml', 'virtual-service-all-v1.yaml'],
      ratingsReplicas: 1,
    });
    mesh.write('mirror.yaml', MIRROR);
    await mesh.reload();
    const pp = mesh.workload('productpage').proxy;
    await mesh.until('the mirror policy in productpage sidecar', async () =>
      (await mesh.configDump(pp)).includes('request_mirror_policies'),
    );
  });

  after(async () => {
    await mesh?.stop();
  });

  /** reviews log lines written since `from`, by instance, for the host they were sent to. */
  const reviewsLines = (from: number, instance: string, host: string) =>
    mesh.log.slice(from).filter((l) => l.line.startsWith(`${instance} GET /reviews/0 host=${host} `)).length;

  it('mirrors every request to v2 with the -shadow host while v1 answers', async () => {
    const pp = mesh.workload('productpage').proxy;
    const before = await mesh.stats(pp);
    const from = mesh.log.length;
    const pages = await mesh.productPages(20);
    for (const p of pages) {
      assert.equal(p.status, 200);
      assert.equal(podOf(p.body), 'reviews-v1');
    }
    await mesh.until(
      '20 shadows at v2',
      () => reviewsLines(from, 'reviews-v2', 'reviews-shadow:9080') === 20,
    );
    assert.equal(reviewsLines(from, 'reviews-v1', 'reviews:9080'), 20);
    assert.equal(reviewsLines(from, 'reviews-v2', 'reviews:9080'), 0, 'v2 sees only shadows');
    await mesh.until('the shadows counted', async () => {
      const now = await mesh.stats(pp);
      return (now.get(`${V2}upstream_rq_200`) ?? 0) - (before.get(`${V2}upstream_rq_200`) ?? 0) === 20;
    });
    const now = await mesh.stats(pp);
    assert.equal((now.get(`${V1}upstream_rq_total`) ?? 0) - (before.get(`${V1}upstream_rq_total`) ?? 0), 20);
    assert.equal((now.get(`${V2}upstream_rq_total`) ?? 0) - (before.get(`${V2}upstream_rq_total`) ?? 0), 20);
  });

  it('a slow mirror does not hold the client up', async () => {
    // A 2 s delay on ratings makes v2 (which calls ratings) slow; v1 does not call ratings.
    mesh.write('ratings-delay.yaml', RATINGS_DELAYED_2S);
    await mesh.reload();
    const v2 = mesh.workload('reviews', 'v2');
    await mesh.until('the delay in reviews v2 sidecar', async () =>
      /"fixed_delay":\s*"2s"/.test(await mesh.configDump(v2.proxy)),
    );
    const pp = mesh.workload('productpage').proxy;
    const before = await mesh.stats(pp);
    const from = mesh.log.length;
    const pages = await mesh.productPages(10, '', 1);
    for (const p of pages) {
      assert.equal(p.status, 200);
      assert.equal(podOf(p.body), 'reviews-v1');
      assert.ok(p.ms < 2000, `a page took ${p.ms} ms: it waited for its mirror`);
    }
    // Every page is answered, and the shadows are still waiting on ratings.
    assert.ok((await mesh.stat(pp, `${V2}upstream_rq_active`)) >= 1, 'no shadow in flight');
    await mesh.until(
      '10 shadows at v2',
      () => reviewsLines(from, 'reviews-v2', 'reviews-shadow:9080') === 10,
    );
    await mesh.until('the slow shadows answered', async () => {
      const now = await mesh.stats(pp);
      return (now.get(`${V2}upstream_rq_200`) ?? 0) - (before.get(`${V2}upstream_rq_200`) ?? 0) === 10;
    });
    const delays = `${mesh.outboundHttp(v2.proxyPort)}fault.delays_injected`;
    assert.ok((await mesh.stat(v2.proxy, delays)) >= 10);
    mesh.remove('ratings-delay.yaml');
    await mesh.reload();
  });

  it('a failing mirror does not reach the client', async () => {
    const v2 = mesh.workload('reviews', 'v2');
    const pp = mesh.workload('productpage').proxy;
    await mesh.stopApp(v2);
    try {
      const before = await mesh.stats(pp);
      const pages = await mesh.productPages(20);
      for (const p of pages) {
        assert.equal(p.status, 200);
        assert.equal(podOf(p.body), 'reviews-v1');
      }
      // v2's sidecar finds nobody behind it and answers the shadows 503; only the stats show it.
      await mesh.until('the failed shadows counted', async () => {
        const now = await mesh.stats(pp);
        return (now.get(`${V2}upstream_rq_503`) ?? 0) - (before.get(`${V2}upstream_rq_503`) ?? 0) === 20;
      });
    } finally {
      await mesh.restartApp(v2);
    }
  });
});
