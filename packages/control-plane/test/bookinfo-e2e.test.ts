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
import { BookinfoMesh, NETWORKING, SAMPLES } from './helpers/bookinfo-mesh.ts';

const podOf = (html: string) => /id="reviews-pod">([^<]*)</.exec(html)?.[1] ?? '';
const starsOf = (html: string) => /class="stars" color="(\w+)"/.exec(html)?.[1] ?? 'none';

function stat(
  proxy: { stats: { counters: Map<string, { value: number }>; gauges: Map<string, { value: number }> } },
  name: string,
): number {
  return proxy.stats.counters.get(name)?.value ?? proxy.stats.gauges.get(name)?.value ?? 0;
}

const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

describe('bookinfo traffic management through the control plane', () => {
  let mesh: BookinfoMesh;

  before(async () => {
    mesh = await BookinfoMesh.start({
      networking: ['destination-rule-all.yaml', 'virtual-service-all-v1.yaml'],
      ratingsReplicas: 3,
    });
    await mesh.until('the product page', async () => (await mesh.productPage()).status === 200, 15_000);
  });

  after(async () => {
    await mesh?.stop();
  });

  async function pages(n: number, user = '', concurrency = 10): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i += concurrency) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(concurrency, n - i) }, () => mesh.productPage(user)),
      );
      for (const r of batch) out.push(r.body);
    }
    return out;
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
    const reviewsV2 = mesh.workload('reviews', 'v2').proxy;
    assert.ok(
      stat(
        reviewsV2,
        'http.outbound_127.0.0.1_' + mesh.workload('reviews', 'v2').proxyPort + '.fault.aborts_injected',
      ) >= 1,
    );
    mesh.unlink('z-ratings.yaml');
    await mesh.reload();
    await mesh.until('no abort', async () => starsOf((await mesh.productPage('jason')).body) === 'black');
  });

  it('fault injection: virtual-service-ratings-test-delay.yaml delays jason by 7 s, past productpage timeouts', async () => {
    mesh.link(path.join(NETWORKING, 'virtual-service-ratings-test-delay.yaml'), 'z-ratings.yaml');
    await mesh.reload();
    const proxy = mesh.workload('reviews', 'v2');
    const delays = `http.outbound_127.0.0.1_${proxy.proxyPort}.fault.delays_injected`;
    await mesh.until('the delay rule', () => {
      const routes = mesh.cp.connectedProxies().find((p) => p.key.includes('reviews-v2'))?.resources?.routes;
      return JSON.stringify([...(routes?.values() ?? [])]).includes('"fixed_delay":"7s"');
    });
    await new Promise((r) => setTimeout(r, 300));
    const before = stat(proxy.proxy, delays);
    // productpage waits 3 s for reviews and tries twice: the page comes after about 6 s, without reviews.
    const jason = await mesh.productPage('jason');
    assert.ok(jason.ms >= 5500 && jason.ms < 9000, `the page took ${jason.ms} ms`);
    assert.match(jason.body, /Sorry, product reviews are currently unavailable for this book/);
    assert.ok(stat(proxy.proxy, delays) - before >= 1);
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
});
