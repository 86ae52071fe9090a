/**
 * Istio's traffic management tasks, reproduced on the project's own bookinfo services behind Tandem
 * sidecars, configured only through the control plane from Istio YAML: the bookinfo networking files
 * (read in place), Istio's local rate limit EnvoyFilter sample (read in place), and, where Istio's
 * docs give YAML inline, that YAML. Each feature is checked on the wire and in the proxies' stats.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { binomialBounds } from '../../proxy/test/helpers/admin.ts';
import {
  BookinfoMesh,
  NETWORKING,
  outbound,
  podOf,
  RATINGS_DELAYED_2S,
  starsOf,
} from './helpers/bookinfo-mesh.ts';

describe('bookinfo traffic management through the control plane', () => {
  let mesh: BookinfoMesh;

  before(async () => {
    mesh = await BookinfoMesh.start({
      networking: ['destination-rule-all.yaml', 'virtual-service-all-v1.yaml'],
      ratingsReplicas: 3,
    });
  });

  after(async () => {
    await mesh?.stop();
  });

  async function pages(n: number, user = '', concurrency = 10): Promise<string[]> {
    return (await mesh.productPages(n, user, concurrency)).map((r) => r.body);
  }

  it('request routing: virtual-service-all-v1.yaml sends everything to v1', async () => {
    for (const body of await pages(20)) {
      assert.equal(podOf(body), 'reviews-v1');
      assert.equal(starsOf(body), 'none');
    }
    assert.ok(mesh.log.some((l) => /^details-v1 GET \/details\/0/.test(l.line)));
  });

  it('request routing: virtual-service-reviews-test-v2.yaml sends jason to v2 and everyone else to v1', async () => {
    mesh.link(path.join(NETWORKING, 'virtual-service-reviews-test-v2.yaml'), 'z-reviews.yaml');
    await mesh.reload();
    await mesh.until(
      'jason on v2',
      async () => podOf((await mesh.productPage('jason')).body) === 'reviews-v2',
    );
    for (const body of await pages(10, 'jason')) {
      assert.equal(podOf(body), 'reviews-v2');
      assert.equal(starsOf(body), 'black');
    }
    for (const body of await pages(10)) assert.equal(podOf(body), 'reviews-v1');
    // The user travelled productpage -> reviews -> ratings with the request.
    assert.ok(mesh.log.some((l) => /^ratings-\d GET \/ratings\/0 .* user=jason$/.test(l.line)));
  });

  it('fault injection: virtual-service-ratings-test-abort.yaml gives jason a 500 from ratings', async () => {
    mesh.link(path.join(NETWORKING, 'virtual-service-ratings-test-abort.yaml'), 'z-ratings.yaml');
    await mesh.reload();
    await mesh.until('the abort', async () =>
      (await mesh.productPage('jason')).body.includes('Ratings service is currently unavailable'),
    );
    assert.equal(starsOf((await mesh.productPage()).body), 'none', 'others still get v1');
    const reviewsV2 = mesh.workload('reviews', 'v2');
    const aborts = `${mesh.outboundHttp(reviewsV2.proxyPort)}fault.aborts_injected`;
    assert.ok((await mesh.stat(reviewsV2.proxy, aborts)) >= 1);
    mesh.unlink('z-ratings.yaml');
    await mesh.reload();
    await mesh.until('no abort', async () => starsOf((await mesh.productPage('jason')).body) === 'black');
  });

  it('fault injection: virtual-service-ratings-test-delay.yaml delays jason by 7 s, past productpage timeouts', async () => {
    mesh.link(path.join(NETWORKING, 'virtual-service-ratings-test-delay.yaml'), 'z-ratings.yaml');
    await mesh.reload();
    const proxy = mesh.workload('reviews', 'v2');
    const delays = `${mesh.outboundHttp(proxy.proxyPort)}fault.delays_injected`;
    await mesh.until('the delay rule in reviews v2 sidecar', async () =>
      /"fixed_delay":\s*"7s"/.test(await mesh.configDump(proxy.proxy)),
    );
    const before = await mesh.stat(proxy.proxy, delays);
    // productpage waits 3 s for reviews and tries twice: the page comes after about 6 s, without reviews.
    const jason = await mesh.productPage('jason');
    assert.ok(jason.ms >= 5500 && jason.ms < 9000, `the page took ${jason.ms} ms`);
    assert.match(jason.body, /Sorry, product reviews are currently unavailable for this book/);
    assert.ok((await mesh.stat(proxy.proxy, delays)) - before >= 1);
    const other = await mesh.productPage();
    assert.ok(other.ms < 2000 && podOf(other.body) === 'reviews-v1');
  });

  it('fault injection: a scaled-down copy (1 s) delays jason and the page still shows ratings', async () => {
    const scaled = readFileSync(
      path.join(NETWORKING, 'virtual-service-ratings-test-delay.yaml'),
      'utf8',
    ).replace('fixedDelay: 7s', 'fixedDelay: 1s');
    assert.ok(scaled.includes('fixedDelay: 1s'));
    mesh.unlink('z-ratings.yaml');
    mesh.write('ratings-delay-1s.yaml', scaled);
    await mesh.reload();
    await mesh.until('the 1 s delay', async () => {
      const r = await mesh.productPage('jason');
      return r.ms >= 950 && r.ms < 2500 && starsOf(r.body) === 'black';
    });
    mesh.remove('ratings-delay-1s.yaml');
    await mesh.reload();
    await mesh.until('no delay', async () => (await mesh.productPage('jason')).ms < 500);
  });

  it('traffic shifting: virtual-service-reviews-50-v3.yaml splits reviews 50/50 between v1 and v3', async (t) => {
    mesh.link(path.join(NETWORKING, 'virtual-service-reviews-50-v3.yaml'), 'z-reviews.yaml');
    await mesh.reload();
    await mesh.until('v3 in the mix', async () => podOf((await mesh.productPage()).body) === 'reviews-v3');
    const pp = mesh.workload('productpage').proxy;
    const total = (subset: string) =>
      mesh.stat(pp, `cluster.${outbound('reviews', subset)}.upstream_rq_total`);
    const [v1Before, v3Before] = [await total('v1'), await total('v3')];
    // 400 pages: v1 gets a binomial(400, 1/2) share, 200 +- 40 at four standard deviations (a wrong
    // split of 60/40 would be 240 or 160, outside; the chance of a false failure is below 1e-4).
    const n = 400;
    const pods = (await pages(n, '', 20)).map(podOf);
    const v1 = pods.filter((p) => p === 'reviews-v1').length;
    const v3 = pods.filter((p) => p === 'reviews-v3').length;
    assert.equal(v1 + v3, n, 'every page from v1 or v3');
    const { lo, hi } = binomialBounds(n, 0.5, 4);
    t.diagnostic(`v1 ${v1}, v3 ${v3} of ${n} pages`);
    assert.ok(v1 >= lo && v1 <= hi, `v1 served ${v1} of ${n} pages (bounds ${lo}..${hi})`);
    // productpage's sidecar counted exactly those requests on the two subset clusters.
    assert.equal((await total('v1')) - v1Before, v1);
    assert.equal((await total('v3')) - v3Before, v3);
  });

  it('traffic shifting: virtual-service-reviews-v3.yaml sends all of reviews to v3', async () => {
    mesh.link(path.join(NETWORKING, 'virtual-service-reviews-v3.yaml'), 'z-reviews.yaml');
    await mesh.reload();
    const pp = mesh.workload('productpage').proxy;
    const total = (subset: string) =>
      mesh.stat(pp, `cluster.${outbound('reviews', subset)}.upstream_rq_total`);
    // The route is in place once ten pages in a row come from v3.
    await mesh.until('v3 only', async () => (await pages(10)).every((b) => podOf(b) === 'reviews-v3'));
    const v1Before = await total('v1');
    const v3Before = await total('v3');
    for (const body of await pages(100, '', 20)) {
      assert.equal(podOf(body), 'reviews-v3');
      assert.equal(starsOf(body), 'red');
    }
    assert.equal((await total('v1')) - v1Before, 0);
    assert.equal((await total('v3')) - v3Before, 100);
  });

  it('request timeouts: a 0.5 s route timeout to reviews against a 2 s ratings delay gives 504 after about 0.5 s', async () => {
    // Istio's request timeouts task: ratings delayed by 2 s, reviews routed to v2 (which calls ratings).
    mesh.write('timeouts-ratings.yaml', RATINGS_DELAYED_2S);
    const reviewsV2 = (timeout: string) => `apiVersion: networking.istio.io/v1
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
        subset: v2
${timeout}`;
    mesh.write('timeouts-reviews.yaml', reviewsV2(''));
    await mesh.reload();
    const url = 'http://reviews:9080/reviews/0';
    // Without a timeout, the delay shows: reviews v2 answers after its ratings call, 2 s later.
    await mesh.until('the 2 s delay on reviews v2', async () => {
      const r = await mesh.get(url);
      return r.status === 200 && r.ms >= 1900 && r.body.includes('"color":"black"');
    });
    mesh.write('timeouts-reviews.yaml', reviewsV2('    timeout: 0.5s\n'));
    await mesh.reload();
    await mesh.until('the 0.5 s timeout', async () => (await mesh.get(url)).status === 504);
    const timeouts = `cluster.${outbound('reviews', 'v2')}.upstream_rq_timeout`;
    const before = await mesh.stat(mesh.client, timeouts);
    const r = await mesh.get(url);
    assert.equal(r.status, 504);
    assert.equal(r.body, 'upstream request timeout');
    assert.ok(r.ms >= 400 && r.ms < 1500, `504 after ${r.ms} ms`);
    assert.equal((await mesh.stat(mesh.client, timeouts)) - before, 1);
    // On the product page (as in Istio's task): productpage's sidecar times reviews out twice (the
    // page tries twice) and the page says the reviews are unavailable, well before the 2 s delay.
    const pp = mesh.workload('productpage');
    const ppBefore = await mesh.stat(pp.proxy, timeouts);
    const page = await mesh.productPage();
    assert.equal(page.status, 200);
    assert.match(page.body, /Sorry, product reviews are currently unavailable for this book/);
    assert.ok(page.ms < 1900, `the page took ${page.ms} ms`);
    assert.equal((await mesh.stat(pp.proxy, timeouts)) - ppBefore, 2);
    mesh.remove('timeouts-ratings.yaml');
    mesh.remove('timeouts-reviews.yaml');
    await mesh.reload();
    await mesh.until('no timeout', async () => (await mesh.get(url)).status === 200);
  });
});
