/**
 * The traffic HTTP filters end to end, configured per route the way Istio does it: fault injection
 * (delay, HTTP and gRPC aborts, header-driven faults), local rate limiting with descriptors from
 * route rate_limits actions (the Istio task's shape) and x-ratelimit headers, and CORS (preflight
 * and actual requests). Each asserts on its stats.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStats } from './helpers/admin.ts';
import { type Backend, startEchoBackend } from './helpers/backends.ts';
import { bootstrap, hcm, listener, staticCluster } from './helpers/bootstrap.ts';
import { httpRequest } from './helpers/http-client.ts';
import { type RunningProxy, startProxy } from './helpers/start-proxy.ts';

const FAULT = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
const RL = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';
const CORS = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors';
const CORS_POLICY = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

const everything = { numerator: 100, denominator: 'HUNDRED' };

const routes = [
  {
    match: { prefix: '/delay' },
    route: { cluster: 'echo' },
    typed_per_filter_config: {
      'envoy.filters.http.fault': { '@type': FAULT, delay: { fixed_delay: '0.3s', percentage: everything } },
    },
  },
  {
    match: { prefix: '/abort' },
    route: { cluster: 'echo' },
    typed_per_filter_config: {
      'envoy.filters.http.fault': {
        '@type': FAULT,
        abort: { http_status: 500, percentage: everything },
        headers: [{ name: 'end-user', string_match: { exact: 'jason' } }],
      },
    },
  },
  {
    match: { prefix: '/grpc-abort' },
    route: { cluster: 'echo' },
    typed_per_filter_config: {
      'envoy.filters.http.fault': { '@type': FAULT, abort: { grpc_status: 14, percentage: everything } },
    },
  },
  {
    match: { prefix: '/asked' },
    route: { cluster: 'echo' },
    typed_per_filter_config: {
      'envoy.filters.http.fault': {
        '@type': FAULT,
        abort: { header_abort: {}, percentage: everything },
        delay: { header_delay: {}, percentage: everything },
      },
    },
  },
  {
    match: { prefix: '/limited' },
    route: {
      cluster: 'echo',
      rate_limits: [
        { actions: [{ remote_address: {} }] },
        {
          actions: [
            {
              header_value_match: {
                descriptor_value: 'limited',
                headers: [{ name: ':path', string_match: { prefix: '/limited', ignore_case: true } }],
              },
            },
          ],
        },
      ],
    },
    typed_per_filter_config: {
      'envoy.filters.http.local_ratelimit': {
        '@type': RL,
        stat_prefix: 'route_limit',
        token_bucket: { max_tokens: 100, tokens_per_fill: 100, fill_interval: '60s' },
        enable_x_ratelimit_headers: 'DRAFT_VERSION_03',
        filter_enabled: { runtime_key: 'k', default_value: everything },
        filter_enforced: { runtime_key: 'k', default_value: everything },
        response_headers_to_add: [{ append: false, header: { key: 'x-local-rate-limit', value: 'true' } }],
        descriptors: [
          {
            entries: [{ key: 'header_match', value: 'limited' }],
            token_bucket: { max_tokens: 3, tokens_per_fill: 3, fill_interval: '60s' },
          },
        ],
      },
    },
  },
  {
    match: { prefix: '/cors' },
    route: { cluster: 'echo' },
    typed_per_filter_config: {
      'envoy.filters.http.cors': {
        '@type': CORS_POLICY,
        allow_origin_string_match: [{ exact: 'https://app.example' }],
        allow_methods: 'GET,POST',
        allow_headers: 'x-custom',
        expose_headers: 'x-backend',
        max_age: '600',
        allow_credentials: true,
      },
    },
  },
  { match: { prefix: '/' }, route: { cluster: 'echo' } },
];

describe('fault, local rate limit and CORS filters', () => {
  let echo: Backend;
  let proxy: RunningProxy;

  before(async () => {
    echo = await startEchoBackend('echo');
    const raw = bootstrap(
      [
        listener('main', [
          {
            filters: [
              hcm(
                { name: 'r', virtual_hosts: [{ name: 'all', domains: ['*'], routes }] },
                {
                  http_filters: [
                    { name: 'envoy.filters.http.cors', typed_config: { '@type': CORS } },
                    { name: 'envoy.filters.http.fault', typed_config: { '@type': FAULT } },
                    {
                      name: 'envoy.filters.http.local_ratelimit',
                      typed_config: {
                        '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
                        type_url: RL,
                        value: { stat_prefix: 'http_local_rate_limiter' },
                      },
                    },
                    { name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } },
                  ],
                },
              ),
            ],
          },
        ]),
      ],
      [staticCluster('echo', [echo.port])],
    );
    proxy = await startProxy(raw);
  });

  after(async () => {
    await proxy?.stop();
    await echo?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    httpRequest(proxy.port(), path, { headers, method });

  it('delays requests by the configured time', async () => {
    const started = performance.now();
    const r = await get('/delay');
    assert.equal(r.status, 200);
    assert.ok(performance.now() - started >= 290);
    assert.equal((await readStats(proxy.adminPort)).get('http.ingress_http.fault.delays_injected'), 1);
  });

  it('aborts requests that match the fault headers, with HTTP or gRPC status', async () => {
    assert.equal((await get('/abort')).status, 200);
    const aborted = await get('/abort', { 'end-user': 'jason' });
    assert.equal(aborted.status, 500);
    assert.equal(aborted.body, 'fault filter abort');
    const grpc = await get('/grpc-abort', { 'content-type': 'application/grpc' });
    assert.equal(grpc.status, 200);
    assert.equal(grpc.headers['grpc-status'], '14');
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('http.ingress_http.fault.aborts_injected'), 2);
  });

  it('injects faults asked for by request headers', async () => {
    assert.equal((await get('/asked')).status, 200);
    assert.equal((await get('/asked', { 'x-envoy-fault-abort-request': '429' })).status, 429);
    const started = performance.now();
    assert.equal((await get('/asked', { 'x-envoy-fault-delay-request': '200' })).status, 200);
    assert.ok(performance.now() - started >= 190);
  });

  it('rate limits by the descriptor the route actions produce, with x-ratelimit headers', async () => {
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await get('/limited'));
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 200, 429, 429],
    );
    assert.equal(replies[0]!.headers['x-ratelimit-limit'], '3');
    assert.equal(replies[0]!.headers['x-ratelimit-remaining'], '2');
    const limited = replies[3]!;
    assert.equal(limited.body, 'local_rate_limited');
    assert.equal(limited.headers['x-local-rate-limit'], 'true');
    assert.equal(limited.headers['x-envoy-ratelimited'], 'true');
    assert.equal(limited.headers['x-ratelimit-remaining'], '0');
    assert.ok(Number(limited.headers['x-ratelimit-reset']) > 0);
    assert.equal((await get('/other')).status, 200, 'other routes are not limited');
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('route_limit.http_local_rate_limit.enabled'), 5);
    assert.equal(stats.get('route_limit.http_local_rate_limit.ok'), 3);
    assert.equal(stats.get('route_limit.http_local_rate_limit.rate_limited'), 2);
    assert.equal(stats.get('route_limit.http_local_rate_limit.enforced'), 2);
    assert.equal(stats.get('http_local_rate_limiter.http_local_rate_limit.enabled'), 0);
  });

  it('answers CORS preflights from allowed origins and decorates actual responses', async () => {
    const preflight = await get(
      '/cors',
      { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      'OPTIONS',
    );
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(preflight.headers['access-control-max-age'], '600');
    assert.equal(preflight.headers['access-control-allow-credentials'], 'true');
    assert.equal(echo.seen.filter((s) => s.method === 'OPTIONS').length, 0, 'answered by the proxy');
    const actual = await get('/cors', { origin: 'https://app.example' });
    assert.equal(actual.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(actual.headers['access-control-expose-headers'], 'x-backend');
    const stranger = await get('/cors', { origin: 'https://evil.example' });
    assert.equal(stranger.headers['access-control-allow-origin'], undefined);
    const stats = await readStats(proxy.adminPort);
    assert.equal(stats.get('http.ingress_http.cors.origin_valid'), 2);
    assert.equal(stats.get('http.ingress_http.cors.origin_invalid'), 1);
  });
});
