/**
 * Istio's resilience tasks on the project's bookinfo, through the control plane from Istio YAML:
 * circuit breaking (the task's DestinationRule values) on details, outlier detection and retries on
 * ratings (three replicas without sidecars, one of which the tests break). Each is checked on the
 * wire and in the client sidecar's `/stats`, under Envoy's stat names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BookinfoMesh, outbound, type Reply } from './helpers/bookinfo-mesh.ts';

const DETAILS = `cluster.${outbound('details', 'v1')}.`;
const RATINGS = `cluster.${outbound('ratings', 'v1')}.`;
const RATINGS_URL = 'http://ratings:9080/ratings/0';

/** A DestinationRule for ratings with bookinfo's v1 subset and this traffic policy (YAML lines). */
function ratingsRule(policy: string): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
spec:
  host: ratings
  trafficPolicy:
${policy}  subsets:
  - name: v1
    labels:
      version: v1
`;
}

describe('bookinfo resilience through the control plane', () => {
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

  const servedBy = (r: Reply) => String(r.headers['x-served-by'] ?? '');
  const ratingsLines = (user: string) =>
    mesh.log.filter((l) => l.line.startsWith('ratings-') && l.line.endsWith(` user=${user}`));

  it("circuit breaking: Istio's task values overflow concurrent load with 503 x-envoy-overloaded", async () => {
    // The DestinationRule of Istio's circuit breaking task (its connectionPool), on details.
    mesh.write(
      'circuit-breaker.yaml',
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: details
spec:
  host: details
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 1
      http:
        http1MaxPendingRequests: 1
        maxRequestsPerConnection: 1
  subsets:
  - name: v1
    labels:
      version: v1
`,
    );
    await mesh.reload();
    await mesh.until('the limits in the client sidecar', async () =>
      /"max_pending_requests":\s*1\b/.test(await mesh.configDump(mesh.client)),
    );
    const before = await mesh.stats(mesh.client);
    const replies: Reply[] = [];
    // Bursts of 20 concurrent requests against one connection and one pending slot, until both
    // outcomes have shown (the first burst nearly always suffices).
    await mesh.until('a mix of 200 and 503', async () => {
      const burst = Array.from({ length: 20 }, () => mesh.get('http://details:9080/details/0'));
      replies.push(...(await Promise.all(burst)));
      return replies.some((r) => r.status === 200) && replies.some((r) => r.status === 503);
    });
    const overflowed = replies.filter((r) => r.status === 503);
    for (const r of replies) assert.ok(r.status === 200 || r.status === 503, `status ${r.status}`);
    for (const r of overflowed) assert.equal(r.headers['x-envoy-overloaded'], 'true');
    const after = await mesh.stats(mesh.client);
    const delta = (name: string) => (after.get(DETAILS + name) ?? 0) - (before.get(DETAILS + name) ?? 0);
    assert.equal(delta('upstream_rq_pending_overflow'), overflowed.length);
    assert.equal(delta('upstream_rq_200'), replies.length - overflowed.length);
    // maxRequestsPerConnection 1: every request that went up closed its connection after it.
    assert.ok(delta('upstream_cx_max_requests') >= 1);
    mesh.remove('circuit-breaker.yaml');
    await mesh.reload();
  });

  it('outlier detection: a ratings replica answering 500 is ejected, then returns after the ejection time', async () => {
    mesh.write(
      'outlier.yaml',
      ratingsRule(`    outlierDetection:
      consecutive5xxErrors: 3
      interval: 1s
      baseEjectionTime: 2s
      maxEjectionPercent: 50
`),
    );
    await mesh.reload();
    await mesh.until('outlier detection in the client sidecar', async () =>
      /"base_ejection_time":\s*"2s"/.test(await mesh.configDump(mesh.client)),
    );
    mesh.setRatingsFailing('ratings-0', 500);
    const ejections = `${RATINGS}outlier_detection.ejections_active`;
    // Round robin over three replicas: the third 500 in a row from ratings-0 ejects it.
    let lastErrorAtMs = 0;
    await mesh.until('the ejection', async () => {
      const r = await mesh.get(RATINGS_URL);
      if (r.status === 500) lastErrorAtMs = performance.now();
      return (await mesh.stat(mesh.client, ejections)) === 1;
    });
    const stats = await mesh.stats(mesh.client);
    assert.ok((stats.get(`${RATINGS}outlier_detection.ejections_enforced_consecutive_5xx`) ?? 0) >= 1);
    assert.ok((stats.get(`${RATINGS}outlier_detection.ejections_enforced_total`) ?? 0) >= 1);
    // Ejected: clients no longer see its errors (none of the 30 goes to it, and none is retried).
    mesh.setRatingsFailing('ratings-0', 0);
    const during: Reply[] = [];
    for (let i = 0; i < 30 && (await mesh.stat(mesh.client, ejections)) === 1; i++)
      during.push(await mesh.get(RATINGS_URL));
    assert.ok(during.length >= 10, `ejection ended after ${during.length} requests`);
    for (const r of during) {
      assert.equal(r.status, 200);
      assert.notEqual(servedBy(r), 'ratings-0');
    }
    // After baseEjectionTime (2 s; checked at the next 1 s interval) it is back, and serves again.
    let backAtMs = 0;
    await mesh.until(
      'ratings-0 back in the load balancer',
      async () => {
        const r = await mesh.get(RATINGS_URL);
        if (servedBy(r) !== 'ratings-0') return false;
        backAtMs = performance.now();
        return r.status === 200;
      },
      10_000,
    );
    assert.equal(await mesh.stat(mesh.client, ejections), 0);
    assert.ok(backAtMs - lastErrorAtMs >= 1500, `back ${backAtMs - lastErrorAtMs} ms after its last error`);
    mesh.remove('outlier.yaml');
    await mesh.reload();
  });

  describe('retries', () => {
    // The retry policy of Istio's docs (VirtualService `retries`), on ratings; `backoff` sets
    // Envoy's base interval (retry n waits a random time in [0, (2^n - 1) * base)).
    const retries = (backoff: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - route:
    - destination:
        host: ratings
        subset: v1
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
${backoff}`;
    let user = 0;
    const nextUser = () => `retry-${++user}`;
    /** Leaves ratings-0 (failing) as the only replica, so that every attempt fails. */
    const onlyRatings0 = async () => {
      mesh.setRatingsEndpoints(['ratings-0']);
      await mesh.reload();
      await mesh.until(
        'ratings-0 alone',
        async () => (await mesh.stat(mesh.client, `${RATINGS}membership_total`)) === 1,
      );
    };

    before(async () => {
      mesh.write('retries.yaml', retries(''));
      await mesh.reload();
      await mesh.until('the retry policy in the client sidecar', async () =>
        /"retry_on":\s*"gateway-error,connect-failure,refused-stream"/.test(
          await mesh.configDump(mesh.client),
        ),
      );
      mesh.setRatingsFailing('ratings-0', 503);
    });

    after(async () => {
      mesh.remove('retries.yaml');
      mesh.setRatingsEndpoints(mesh.ratings.map((r) => r.name));
      await mesh.reload();
      mesh.setRatingsFailing('ratings-0', 0);
    });

    it('an attempt that fails on one replica is retried on another, per the VirtualService', async () => {
      const before = await mesh.stats(mesh.client);
      const replies: { user: string; reply: Reply }[] = [];
      for (let i = 0; i < 24; i++) {
        const u = nextUser();
        replies.push({ user: u, reply: await mesh.get(RATINGS_URL, { 'end-user': u }) });
      }
      let retried = 0;
      for (const { user: u, reply } of replies) {
        assert.equal(reply.status, 200, `${u}: ${reply.status}`);
        assert.notEqual(servedBy(reply), 'ratings-0');
        const attempts = ratingsLines(u).map((l) => l.line.split(' ')[0]);
        if (attempts[0] === 'ratings-0') {
          // The failed attempt, then one on a replica not tried yet (Istio's previous-hosts predicate).
          retried++;
          assert.equal(attempts.length, 2, `${u}: ${attempts.join(', ')}`);
          assert.notEqual(attempts[1], 'ratings-0');
        } else {
          assert.equal(attempts.length, 1, `${u}: ${attempts.join(', ')}`);
        }
      }
      assert.ok(retried >= 4, `round robin sent ${retried} of 24 first attempts to ratings-0`);
      const after = await mesh.stats(mesh.client);
      const delta = (name: string) => (after.get(RATINGS + name) ?? 0) - (before.get(RATINGS + name) ?? 0);
      assert.equal(delta('upstream_rq_retry'), retried);
      assert.equal(delta('upstream_rq_retry_success'), retried);
      // The responses of retried attempts are counted under `retry.` (Envoy's names).
      assert.equal(delta('retry.upstream_rq_503'), retried);
      assert.equal(delta('upstream_rq_503'), 0);
      assert.equal(delta('upstream_rq_200'), 24);
    });

    it('a POST body over the buffer limit is not retried; a small one is', async () => {
      await onlyRatings0();
      const abandoned = `${RATINGS}retry_or_shadow_abandoned`;
      const post = (u: string, bytes: number) => {
        const body = Buffer.from(
          JSON.stringify({ Reviewer1: 1, Reviewer2: 2, note: 'x'.repeat(Math.max(0, bytes - 50)) }),
        );
        return mesh.get(RATINGS_URL, { 'end-user': u, 'content-type': 'application/json' }, 'POST', body);
      };
      // Small: buffered, replayed on each of the 3 retries (all fail: ratings-0 is the only replica).
      const small = nextUser();
      let before = await mesh.stats(mesh.client);
      const r1 = await post(small, 1000);
      assert.equal(r1.status, 503);
      assert.equal(ratingsLines(small).length, 4);
      let after = await mesh.stats(mesh.client);
      assert.equal(
        (after.get(`${RATINGS}upstream_rq_retry`) ?? 0) - (before.get(`${RATINGS}upstream_rq_retry`) ?? 0),
        3,
      );
      // Over the listener's 1 MiB buffer limit (Envoy's default, which Istio keeps): one attempt only.
      const big = nextUser();
      before = after;
      const r2 = await post(big, 1_500_000);
      assert.equal(r2.status, 503);
      assert.equal(ratingsLines(big).length, 1);
      after = await mesh.stats(mesh.client);
      assert.equal(
        (after.get(`${RATINGS}upstream_rq_retry`) ?? 0) - (before.get(`${RATINGS}upstream_rq_retry`) ?? 0),
        0,
      );
      assert.equal((after.get(abandoned) ?? 0) - (before.get(abandoned) ?? 0), 1);
    });

    it('waits a jittered exponential back-off between attempts (VirtualService retries.backoff)', async (t) => {
      mesh.write('retries.yaml', retries('      backoff: 200ms\n'));
      await mesh.reload();
      await mesh.until('the back-off in the client sidecar', async () =>
        /"base_interval":\s*"0\.20*s"/.test(await mesh.configDump(mesh.client)),
      );
      await onlyRatings0();
      // 12 requests at once to ratings-0 alone, each failing 4 times. Envoy's jitter makes each wait
      // uniform: [0, 200) ms before the first retry, [0, 600) before the second, [0, 1400) before the
      // third; per request 1100 ms on average (standard deviation 443 ms). Over 12 requests the total
      // is 13,200 ms on average, 1,536 ms standard deviation: four of them below is 7,056 ms. Without
      // the configured back-off (Envoy's 25 ms default) the total would be about 1,650 ms.
      const before = await mesh.stats(mesh.client);
      const users = Array.from({ length: 12 }, nextUser);
      const replies = await Promise.all(users.map((u) => mesh.get(RATINGS_URL, { 'end-user': u })));
      let total = 0;
      for (const [i, u] of users.entries()) {
        assert.equal(replies[i]!.status, 503);
        const at = ratingsLines(u).map((l) => l.atMs);
        assert.equal(at.length, 4, `${u}: ${at.length} attempts`);
        for (let k = 1; k < at.length; k++) assert.ok(at[k]! >= at[k - 1]!);
        total += at[3]! - at[0]!;
      }
      t.diagnostic(`total back-off ${Math.round(total)} ms over 12 requests (13,200 ms expected)`);
      assert.ok(total > 7056, `total back-off ${Math.round(total)} ms over 12 requests`);
      const after = await mesh.stats(mesh.client);
      const delta = (name: string) => (after.get(RATINGS + name) ?? 0) - (before.get(RATINGS + name) ?? 0);
      assert.equal(delta('upstream_rq_retry'), 36);
      assert.equal(delta('upstream_rq_retry_backoff_exponential'), 36);
      assert.equal(delta('upstream_rq_retry_limit_exceeded'), 12);
    });
  });
});
