import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issues } from '../testing/raw-config.ts';
import { R, routeErrors, routeOf, toBackend, validateRoute } from '../testing/route-harness.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';

describe('Route actions', () => {
  it('reads a route action with rewrites, timeouts, hashing and upgrades', () => {
    const action = routeOf({
      match: { prefix: '/api/' },
      route: {
        cluster: 'backend',
        prefix_rewrite: '/',
        auto_host_rewrite: true,
        timeout: '0s',
        idle_timeout: '5s',
        hash_policy: [
          { header: { header_name: 'X-User' }, terminal: true },
          { cookie: { name: 'sid', ttl: '3600s', path: '/' } },
          { connection_properties: { source_ip: true } },
          { query_parameter: { name: 'u' } },
        ],
        upgrade_configs: [{ upgrade_type: 'websocket' }],
      },
    }).action;
    assert.deepEqual(action, {
      kind: 'route',
      cluster: { kind: 'cluster', name: 'backend' },
      prefixRewrite: '/',
      regexRewrite: undefined,
      hostRewrite: { kind: 'auto' },
      timeoutMs: 0,
      idleTimeoutMs: 5000,
      hashPolicy: [
        { kind: 'header', headerName: 'x-user', terminal: true },
        { kind: 'cookie', name: 'sid', ttlMs: 3_600_000, path: '/', terminal: false },
        { kind: 'sourceIp', terminal: false },
        { kind: 'queryParameter', name: 'u', terminal: false },
      ],
      upgradeConfigs: [{ upgradeType: 'websocket', enabled: true }],
      maxStreamDurationMs: undefined,
      grpcTimeoutHeaderMaxMs: undefined,
    });
  });

  it('rejects prefix_rewrite together with regex_rewrite, and two host rewrites', () => {
    const regex_rewrite = { pattern: { regex: '^/v1' }, substitution: '/v2' };
    assert.deepEqual(
      routeErrors({ match: { prefix: '/' }, route: { cluster: 'b', prefix_rewrite: '/', regex_rewrite } }),
      [
        [
          `${R}.route`,
          'route configuration "rc", virtual host "vh": only one of "prefix_rewrite" and "regex_rewrite" may be set',
        ],
      ],
    );
    assert.deepEqual(
      routeErrors({
        match: { prefix: '/' },
        route: { cluster: 'b', host_rewrite_literal: 'a', host_rewrite_header: 'x-host' },
      }),
      [
        [
          `${R}.route`,
          'route configuration "rc", virtual host "vh": only one of "host_rewrite_literal" and "host_rewrite_header" may be set (oneof host_rewrite_specifier)',
        ],
      ],
    );
  });

  it('sums weighted clusters and checks the deprecated total_weight', () => {
    const route = (weighted_clusters: unknown) => ({ match: { prefix: '/' }, route: { weighted_clusters } });
    const split = routeOf(
      route({
        clusters: [
          { name: 'v1', weight: 90 },
          {
            name: 'v2',
            weight: { value: 10 },
            request_headers_to_add: [{ header: { key: 'x-canary', value: '1' } }],
          },
        ],
      }),
    );
    assert.equal(split.action.kind, 'route');
    assert.deepEqual(split.action.kind === 'route' && split.action.cluster, {
      kind: 'weightedClusters',
      totalWeight: 100,
      clusters: [
        {
          name: 'v1',
          weight: 90,
          headers: {
            requestHeadersToAdd: [],
            requestHeadersToRemove: [],
            responseHeadersToAdd: [],
            responseHeadersToRemove: [],
          },
        },
        {
          name: 'v2',
          weight: 10,
          headers: {
            requestHeadersToAdd: [
              { key: 'x-canary', value: '1', appendAction: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false },
            ],
            requestHeadersToRemove: [],
            responseHeadersToAdd: [],
            responseHeadersToRemove: [],
          },
        },
      ],
    });
    assert.deepEqual(routeErrors(route({ clusters: [{ name: 'v1', weight: 0 }] })), [
      [
        `${R}.route.weighted_clusters.clusters`,
        'route configuration "rc", virtual host "vh": the weights must add up to between 1 and 4294967295, got 0',
      ],
    ]);
    assert.deepEqual(routeErrors(route({ clusters: [{ name: 'v1', weight: 60 }], total_weight: 100 })), [
      [
        `${R}.route.weighted_clusters.total_weight`,
        'route configuration "rc", virtual host "vh": is 100, but the weights add up to 60',
      ],
    ]);
  });

  it('reads redirects, with response codes by name or number', () => {
    const redirect = routeOf({
      match: { prefix: '/' },
      redirect: { https_redirect: true, port_redirect: 8443, prefix_rewrite: '/new', response_code: 4 },
    }).action;
    assert.deepEqual(redirect, {
      kind: 'redirect',
      schemeRedirect: 'https',
      hostRedirect: undefined,
      portRedirect: 8443,
      pathRewrite: { kind: 'prefix', value: '/new' },
      responseCode: 308,
      stripQuery: false,
    });
    const found = routeOf({
      match: { prefix: '/' },
      redirect: { host_redirect: 'example.com', response_code: 'FOUND', strip_query: true },
    }).action;
    assert.equal(found.kind === 'redirect' && found.responseCode, 302);
    assert.equal(
      routeOf({ match: { prefix: '/' }, redirect: { path_redirect: '/x' } }).action.kind === 'redirect',
      true,
    );
    assert.deepEqual(
      routeErrors({ match: { prefix: '/' }, redirect: { https_redirect: true, scheme_redirect: 'http' } }),
      [
        [
          `${R}.redirect`,
          'route configuration "rc", virtual host "vh": only one of "https_redirect" and "scheme_redirect" may be set (oneof scheme_rewrite_specifier)',
        ],
      ],
    );
  });

  it('reads direct responses and enforces the body size limit', () => {
    assert.deepEqual(
      routeOf({ match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: 'ok' } } })
        .action,
      {
        kind: 'directResponse',
        status: 200,
        body: { kind: 'inlineString', value: 'ok' },
      },
    );
    assert.deepEqual(routeErrors({ match: { prefix: '/' }, direct_response: { status: 99 } }), [
      [
        `${R}.direct_response.status`,
        'route configuration "rc", virtual host "vh": must be between 100 and 599, got 99',
      ],
    ]);
    const big = validateResource(RESOURCE_TYPE_URLS.routeConfiguration, {
      max_direct_response_body_size_bytes: 4,
      virtual_hosts: [
        {
          name: 'vh',
          domains: ['*'],
          routes: [
            { match: { prefix: '/' }, direct_response: { status: 200, body: { inline_string: 'hello' } } },
          ],
        },
      ],
    });
    assert.ok(!big.ok);
    assert.deepEqual(issues(big.errors), [
      [`${R}.direct_response.body`, 'the body is 5 bytes; max_direct_response_body_size_bytes allows 4'],
    ]);
  });

  it('needs exactly one action, and says which route features are not supported yet', () => {
    assert.deepEqual(routeErrors({ match: { prefix: '/' } }), [
      [
        R,
        'route configuration "rc", virtual host "vh": one of "route", "redirect" or "direct_response" is required',
      ],
    ]);
    assert.deepEqual(
      routeErrors({
        match: { prefix: '/' },
        route: { cluster: 'b', retry_policy: { retry_on: '5xx,teapot' }, hedge_policy: {} },
      }),
      [
        [
          `${R}.route.retry_policy.retry_on`,
          'route configuration "rc", virtual host "vh": unknown retry condition "teapot"',
        ],
        [
          `${R}.route.hedge_policy`,
          'route configuration "rc", virtual host "vh": "hedge_policy" is not supported by Tandem: hedged requests are not available',
        ],
      ],
    );
    const decorated = validateRoute({
      match: { prefix: '/' },
      route: toBackend,
      decorator: { operation: 'x' },
    });
    assert.ok(decorated.ok);
    assert.deepEqual(issues(decorated.warnings), [
      [
        `${R}.decorator`,
        'route configuration "rc", virtual host "vh": "decorator" is ignored by Tandem (tracing is not implemented yet)',
      ],
    ]);
  });
});
