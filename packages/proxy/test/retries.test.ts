/**
 * Retries end to end through the proxy: retry_on conditions (5xx, retriable status codes,
 * connect failures with the previous_hosts predicate), the per-try timeout, x-envoy-attempt-count,
 * request bodies replayed on a retry and not retried past the listener's buffer limit, jittered
 * back-off between attempts, and the circuit breaker's max_retries. Stats as Envoy names them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats, waitForStat } from './helpers/admin.ts';
import { freePort } from './helpers/backends.ts';
import { bootstrap, hcm, listener, staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type ScriptedBackend, startScriptedBackend } from './helpers/scripted-backend.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const PREVIOUS_HOSTS = {
  name: 'envoy.retry_host_predicates.previous_hosts',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  },
};

function route(prefix: string, cluster: string, retry?: Record<string, unknown>) {
  return { match: { prefix }, route: { cluster, timeout: '5s', ...(retry ? { retry_policy: retry } : {}) } };
}

const ROUTES = [
  route('/retry-5xx', 'primary', {
    retry_on: '5xx',
    num_retries: 2,
    retry_back_off: { base_interval: '0.001s' },
  }),
  route('/retry-codes', 'primary', {
    retry_on: 'retriable-status-codes',
    retriable_status_codes: [418],
    retry_back_off: { base_interval: '0.001s' },
  }),
  route('/retry-connect', 'halfdead', {
    retry_on: 'connect-failure',
    num_retries: 3,
    retry_host_predicate: [PREVIOUS_HOSTS],
    host_selection_retry_max_attempts: 5,
    retry_back_off: { base_interval: '0.001s' },
  }),
  route('/per-try', 'primary', {
    retry_on: '5xx',
    num_retries: 1,
    per_try_timeout: '0.1s',
    retry_back_off: { base_interval: '0.001s' },
  }),
  route('/backoff', 'primary', {
    retry_on: '5xx',
    num_retries: 2,
    retry_back_off: { base_interval: '0.1s', max_interval: '1s' },
  }),
  route('/no-budget', 'nobudget', { retry_on: '5xx', num_retries: 2 }),
  route('/', 'primary'),
];

function routeConfig() {
  return {
    name: 'local_route',
    virtual_hosts: [
      {
        name: 'all',
        domains: ['*'],
        include_request_attempt_count: true,
        include_attempt_count_in_response: true,
        routes: ROUTES,
      },
    ],
  };
}

describe('retries', () => {
  let backend: ScriptedBackend;
  let proxy: RunningProxy;
  let port: number;
  let smallBufferPort: number;
  let ids = 0;
  const nextId = () => `r${++ids}`;

  before(async () => {
    backend = await startScriptedBackend('primary');
    const dead = await freePort();
    const raw = bootstrap(
      [
        listener('main', [{ filters: [hcm(routeConfig())] }]),
        listener('small', [{ filters: [hcm(routeConfig())] }], { per_connection_buffer_limit_bytes: 1024 }),
      ],
      [
        staticCluster('primary', [backend.port]),
        staticCluster('halfdead', [dead, backend.port]),
        staticCluster('nobudget', [backend.port], {
          circuit_breakers: { thresholds: [{ max_retries: 0 }] },
        }),
      ],
    );
    proxy = await startProxy(raw);
    port = proxy.port('main');
    smallBufferPort = proxy.port('small');
  });

  after(async () => {
    await proxy?.stop();
    await backend?.close();
  });

  const stat = async (name: string) => (await readStats(proxy.adminPort)).get(name) ?? 0;

  it('retries a 5xx per policy and counts the retry and its success, with x-envoy-attempt-count', async () => {
    const id = nextId();
    const before = await stat('cluster.primary.upstream_rq_retry');
    const r = await httpRequest(port, '/retry-5xx', { headers: { 'x-test-id': id, 'x-fail-attempts': '1' } });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'primary attempt 2\n');
    assert.equal(r.headers['x-envoy-attempt-count'], '2');
    assert.deepEqual(
      backend.attempts(id).map((a) => a.headers['x-envoy-attempt-count']),
      ['1', '2'],
    );
    assert.equal((await stat('cluster.primary.upstream_rq_retry')) - before, 1);
    // The retried attempt's 503 is counted under `retry.` (Envoy), the final 200 as usual.
    assert.ok((await stat('cluster.primary.retry.upstream_rq_503')) >= 1);
    assert.ok((await stat('cluster.primary.retry.upstream_rq_5xx')) >= 1);
    assert.ok((await stat('cluster.primary.upstream_rq_retry_success')) >= 1);
  });

  it('gives up after num_retries and forwards the last response', async () => {
    const id = nextId();
    const before = await stat('cluster.primary.upstream_rq_retry_limit_exceeded');
    const r = await httpRequest(port, '/retry-5xx', { headers: { 'x-test-id': id, 'x-status': '503' } });
    assert.equal(r.status, 503);
    assert.equal(backend.attempts(id).length, 3);
    assert.equal((await stat('cluster.primary.upstream_rq_retry_limit_exceeded')) - before, 1);
  });

  it('retries only the status codes it is told to', async () => {
    const teapot = nextId();
    const r = await httpRequest(port, '/retry-codes', {
      headers: { 'x-test-id': teapot, 'x-fail-attempts': '1', 'x-fail-status': '418' },
    });
    assert.equal(r.status, 200);
    assert.equal(backend.attempts(teapot).length, 2);
    const other = nextId();
    const r2 = await httpRequest(port, '/retry-codes', {
      headers: { 'x-test-id': other, 'x-fail-attempts': '1', 'x-fail-status': '500' },
    });
    assert.equal(r2.status, 500);
    assert.equal(backend.attempts(other).length, 1);
  });

  it('retries a connect failure on another host (previous_hosts)', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await httpRequest(port, '/retry-connect', { headers: { 'x-test-id': nextId() } });
      assert.equal(r.status, 200, r.body);
    }
    assert.ok((await stat('cluster.halfdead.upstream_cx_connect_fail')) >= 1);
    assert.ok((await stat('cluster.halfdead.upstream_rq_retry')) >= 1);
  });

  it('cuts a slow attempt at the per-try timeout and retries it', async () => {
    const id = nextId();
    const started = performance.now();
    const r = await httpRequest(port, '/per-try', {
      headers: { 'x-test-id': id, 'x-delay-attempts': '1', 'x-delay-ms': '2000' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'primary attempt 2\n');
    assert.ok(performance.now() - started < 1500);
    assert.ok((await stat('cluster.primary.upstream_rq_per_try_timeout')) >= 1);
    const slow = nextId();
    const r2 = await httpRequest(port, '/per-try', {
      headers: { 'x-test-id': slow, 'x-delay-attempts': '2', 'x-delay-ms': '2000' },
    });
    assert.equal(r2.status, 504);
    assert.equal(r2.body, 'upstream request timeout');
  });

  it('replays a buffered request body on the retry', async () => {
    const id = nextId();
    const body = Buffer.alloc(200_000, 120);
    const r = await httpRequest(port, '/retry-5xx', {
      method: 'POST',
      body,
      headers: { 'x-test-id': id, 'x-fail-attempts': '1' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      backend.attempts(id).map((a) => a.bodyBytes),
      [200_000, 200_000],
    );
  });

  it('does not retry a body larger than the listener buffer limit', async () => {
    const id = nextId();
    // Envoy counts it on the cluster (`cluster.<name>.retry_or_shadow_abandoned`).
    const before = await stat('cluster.primary.retry_or_shadow_abandoned');
    const r = await httpRequest(smallBufferPort, '/retry-5xx', {
      method: 'POST',
      body: Buffer.alloc(64 * 1024, 121),
      headers: { 'x-test-id': id, 'x-fail-attempts': '1' },
    });
    assert.equal(r.status, 503);
    assert.equal(backend.attempts(id).length, 1);
    assert.ok((await stat('cluster.primary.retry_or_shadow_abandoned')) > before);
  });

  it('waits a jittered exponential back-off between attempts', async () => {
    // Two retries per request: waits uniform in [0, 100) ms and [0, 300) ms. Over 8 requests the
    // total has mean 1600 ms and standard deviation 258 ms: 4 sigma below the mean is 568 ms.
    let total = 0;
    for (let i = 0; i < 8; i++) {
      const id = nextId();
      const r = await httpRequest(port, '/backoff', { headers: { 'x-test-id': id, 'x-fail-attempts': '2' } });
      assert.equal(r.status, 200);
      const [a, b, c] = backend.attempts(id).map((x) => x.atMs);
      assert.ok(b! - a! < 100 + 150, `first wait ${b! - a!} ms`);
      assert.ok(c! - b! < 300 + 150, `second wait ${c! - b!} ms`);
      total += c! - a!;
    }
    assert.ok(total > 568, `total back-off ${total} ms`);
    assert.ok((await stat('cluster.primary.upstream_rq_retry_backoff_exponential')) >= 16);
  });

  it('refuses a retry when max_retries is reached (upstream_rq_retry_overflow)', async () => {
    const id = nextId();
    const r = await httpRequest(port, '/no-budget', { headers: { 'x-test-id': id, 'x-fail-attempts': '1' } });
    assert.equal(r.status, 503);
    assert.equal(backend.attempts(id).length, 1);
    await waitForStat(proxy.adminPort, 'cluster.nobudget.upstream_rq_retry_overflow', (v) => v === 1);
  });
});
