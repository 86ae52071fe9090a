/**
 * Routing end to end: curl (HTTP/1.1 and h2c prior knowledge) and nghttp through the proxy to
 * real backends on loopback, exercising the route matchers, actions, rewrites and header rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { curl, run } from './helpers/exec.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

describe('routing through the proxy', () => {
  let a: Backend;
  let b: Backend;
  let proxy: RunningProxy;
  let base: string;

  before(async () => {
    a = await startEchoBackend('a');
    b = await startEchoBackend('b');
    const routes = [
      { match: { path: '/healthz' }, direct_response: { status: 200, body: { inline_string: 'ok\n' } } },
      { match: { prefix: '/old/' }, redirect: { prefix_rewrite: '/new/', response_code: 'FOUND' } },
      {
        match: { prefix: '/header', headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }] },
        route: { cluster: 'b' },
      },
      {
        match: { prefix: '/query', query_parameters: [{ name: 'v', string_match: { exact: '2' } }] },
        route: { cluster: 'b' },
      },
      { match: { prefix: '/api/' }, route: { cluster: 'a', prefix_rewrite: '/v1/' } },
      {
        match: { safe_regex: { regex: '/users/([0-9]+)/profile' } },
        route: {
          cluster: 'a',
          regex_rewrite: { pattern: { regex: '^/users/([0-9]+)/profile$' }, substitution: '/profiles/\\1' },
        },
      },
      {
        match: { prefix: '/split' },
        route: {
          weighted_clusters: {
            clusters: [
              { name: 'a', weight: 80 },
              { name: 'b', weight: 20 },
            ],
          },
        },
      },
      {
        match: { prefix: '/headers' },
        route: { cluster: 'a', host_rewrite_literal: 'rewritten.example' },
        request_headers_to_add: [
          { header: { key: 'x-route', value: 'r1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
        ],
        request_headers_to_remove: ['x-remove-me'],
        response_headers_to_add: [{ header: { key: 'x-resp-route', value: 'yes' } }],
        response_headers_to_remove: ['x-backend'],
      },
      { match: { prefix: '/CaSe', case_sensitive: false }, route: { cluster: 'b' } },
      { match: { prefix: '/' }, route: { cluster: 'a' } },
    ];
    const rc = routeConfig(routes, {
      response_headers_to_add: [{ header: { key: 'x-rc', value: 'rc' } }],
      request_headers_to_add: [
        { header: { key: 'x-route', value: 'rc-level' }, append_action: 'ADD_IF_ABSENT' },
      ],
    });
    proxy = await startProxy(
      bootstrap(
        [listener('ingress', [{ filters: [hcm(rc, { use_remote_address: true })] }])],
        [staticCluster('a', [a.port]), staticCluster('b', [b.port])],
      ),
    );
    base = `http://127.0.0.1:${proxy.port()}`;
  });

  after(async () => {
    await proxy?.stop();
    await a?.close();
    await b?.close();
  });

  it('routes by prefix with HTTP/1.1 and rewrites the prefix', async () => {
    const r = await curl([`${base}/api/users?id=7`]);
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body);
    assert.equal(body.backend, 'a');
    assert.equal(body.url, '/v1/users?id=7');
    assert.equal(body.headers['x-envoy-original-path'], '/api/users?id=7');
    assert.ok(r.headers['x-envoy-upstream-service-time']);
  });

  it('routes by regex and applies regex_rewrite with a capture group', async () => {
    const r = await curl([`${base}/users/42/profile`]);
    assert.equal(JSON.parse(r.body).url, '/profiles/42');
  });

  it('routes by header and by query parameter', async () => {
    assert.equal(JSON.parse((await curl(['-H', 'x-canary: yes', `${base}/header`])).body).backend, 'b');
    assert.equal(JSON.parse((await curl(['-H', 'x-canary: no', `${base}/header`])).body).backend, 'a');
    assert.equal(JSON.parse((await curl([`${base}/query?v=2`])).body).backend, 'b');
    assert.equal(JSON.parse((await curl([`${base}/query?v=1`])).body).backend, 'a');
  });

  it('matches case-insensitively when case_sensitive is false', async () => {
    assert.equal(JSON.parse((await curl([`${base}/case/x`])).body).backend, 'b');
  });

  it('keeps the connection usable after local replies (direct response, then a proxied request)', async () => {
    const r = await run('curl', [
      '-sS',
      '--max-time',
      '5',
      `${base}/healthz`,
      `${base}/healthz`,
      `${base}/api/x`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok\nok\n\{/);
  });

  it('answers a direct_response without touching a backend', async () => {
    const before = a.seen.length + b.seen.length;
    const r = await curl([`${base}/healthz`]);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok\n');
    assert.equal(r.headers['content-type']?.[0], 'text/plain');
    assert.equal(a.seen.length + b.seen.length, before);
  });

  it('redirects with the prefix rewritten', async () => {
    const r = await curl([`${base}/old/page?x=1`]);
    assert.equal(r.status, 302);
    assert.equal(r.headers['location']?.[0], `http://127.0.0.1:${proxy.port()}/new/page?x=1`);
  });

  it('adds and removes headers with Envoy precedence, and rewrites the host', async () => {
    const r = await curl(['-H', 'x-remove-me: 1', '-H', 'x-route: client', `${base}/headers`]);
    const body = JSON.parse(r.body);
    // Route level overwrites the client's value; the route-config level only adds if absent.
    assert.equal(body.headers['x-route'], 'r1');
    assert.equal(body.headers['x-remove-me'], undefined);
    assert.equal(body.headers.host, 'rewritten.example');
    assert.equal(r.headers['x-resp-route']?.[0], 'yes');
    assert.equal(r.headers['x-rc']?.[0], 'rc');
    assert.equal(r.headers['x-backend'], undefined);
  });

  it('sets x-forwarded-for, x-forwarded-proto and x-request-id, and strips hop-by-hop headers', async () => {
    const r = await curl([
      '-H',
      'connection: keep-alive, x-private',
      '-H',
      'x-private: secret',
      '-H',
      'keep-alive: 5',
      `${base}/`,
    ]);
    const h = JSON.parse(r.body).headers;
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.match(h['x-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal(h['x-private'], undefined);
    assert.equal(h['keep-alive'], undefined);
    assert.equal(r.headers['server']?.[0], 'envoy');
  });

  it('splits traffic by weight within statistical tolerance', async () => {
    const n = 400;
    const urls = Array.from({ length: n }, () => `${base}/split`);
    const r = await run('curl', ['-sS', '--max-time', '30', '--parallel', '--parallel-max', '16', ...urls]);
    const hits = { a: 0, b: 0 };
    for (const m of r.stdout.matchAll(/"backend":"(a|b)"/g)) hits[m[1] as 'a' | 'b']++;
    assert.equal(hits.a + hits.b, n);
    // 80/20 split: with n=400 the standard deviation of a's share is 2%; allow 4 sigma.
    const share = hits.a / n;
    assert.ok(share > 0.72 && share < 0.88, `share of a was ${share}`);
  });

  it('serves HTTP/2 prior knowledge (curl) with the same routes', async () => {
    const r = await curl(['--http2-prior-knowledge', `${base}/api/x`]);
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body);
    assert.equal(body.url, '/v1/x');
    assert.equal(body.headers['x-forwarded-proto'], 'http');
  });

  it('serves nghttp', async () => {
    const r = await run('nghttp', ['-n', '-s', '-H', 'x-canary: yes', `${base}/header`], {
      timeoutMs: 10000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(b.seen.at(-1)?.url, '/header');
    const r2 = await run('nghttp', [`${base}/healthz`], { timeoutMs: 10000 });
    assert.equal(r2.stdout, 'ok\n');
  });

  it('returns 404 when no route matches', async () => {
    const p = await startProxy(
      bootstrap(
        [
          listener('l', [
            { filters: [hcm(routeConfig([{ match: { prefix: '/only' }, route: { cluster: 'a' } }]))] },
          ]),
        ],
        [staticCluster('a', [a.port])],
      ),
    );
    try {
      const r = await curl([`http://127.0.0.1:${p.port()}/other`]);
      assert.equal(r.status, 404);
      const stats = await curl([`http://127.0.0.1:${p.adminPort}/stats?filter=no_route`]);
      assert.match(stats.body, /http\.ingress_http\.no_route: 1/);
    } finally {
      await p.stop();
    }
  });
});
