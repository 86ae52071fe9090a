import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { issues } from '../testing/raw-config.ts';
import type { Route } from '../types.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';

const R = 'virtual_hosts[0].routes[0]';

function validate(route: Record<string, unknown>) {
  return validateResource(RESOURCE_TYPE_URLS.routeConfiguration, {
    name: 'rc',
    virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [route] }],
  });
}

function routeOf(route: Record<string, unknown>): Route {
  const result = validate(route);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.resource.virtualHosts[0]!.routes[0]!;
}

function errors(route: Record<string, unknown>) {
  const result = validate(route);
  assert.ok(!result.ok, 'expected the route to be rejected');
  return issues(result.errors);
}

const toBackend = { cluster: 'backend' };

describe('Route matching', () => {
  it('reads each path specifier, case sensitivity and gRPC', () => {
    assert.deepEqual(
      routeOf({ match: { path: '/exact', case_sensitive: false, grpc: {} }, route: toBackend }).match,
      {
        path: { kind: 'path', value: '/exact' },
        caseSensitive: false,
        headers: [],
        queryParameters: [],
        grpc: true,
      },
    );
    assert.deepEqual(
      routeOf({ match: { safe_regex: { regex: '/v[0-9]+/.*' } }, route: toBackend }).match.path,
      {
        kind: 'safeRegex',
        regex: '/v[0-9]+/.*',
      },
    );
    assert.deepEqual(routeOf({ match: { path_separated_prefix: '/api' }, route: toBackend }).match.path, {
      kind: 'pathSeparatedPrefix',
      value: '/api',
    });
  });

  it('needs exactly one path specifier', () => {
    assert.deepEqual(errors({ match: { prefix: '/', path: '/a' }, route: toBackend }), [
      [
        `${R}.match`,
        'route configuration "rc", virtual host "vh": only one of "prefix" and "path" may be set (oneof path_specifier)',
      ],
    ]);
    assert.deepEqual(errors({ name: 'r', match: {}, route: toBackend }), [
      [
        `${R}.match`,
        'route configuration "rc", virtual host "vh", route "r": one of "prefix", "path", "safe_regex" or "path_separated_prefix" is required',
      ],
    ]);
    assert.deepEqual(errors({ match: { path_separated_prefix: '/api/' }, route: toBackend }), [
      [
        `${R}.match.path_separated_prefix`,
        'route configuration "rc", virtual host "vh": must not be empty, contain "?" or "#", or end with "/"',
      ],
    ]);
  });

  it('rejects regexes that do not compile, naming the path', () => {
    assert.deepEqual(errors({ match: { safe_regex: { google_re2: {}, regex: '/(a' } }, route: toBackend }), [
      [
        `${R}.match.safe_regex.regex`,
        'route configuration "rc", virtual host "vh": invalid regular expression "/(a": Unterminated group',
      ],
    ]);
  });

  it('reads header matchers in their current and deprecated forms', () => {
    const headers = [
      { name: ':method', exact_match: 'POST' },
      { name: 'X-Version', string_match: { prefix: 'v2', ignore_case: true }, invert_match: true },
      { name: 'x-id', range_match: { start: '1', end: 100 } },
      { name: 'x-debug' },
      { name: 'x-absent', present_match: false, treat_missing_header_as_empty: true },
      { name: 'x-re', safe_regex_match: { regex: '\\d+' } },
    ];
    assert.deepEqual(
      routeOf({ match: { prefix: '/', headers }, route: toBackend }).match.headers.map((h) => [
        h.name,
        h.spec,
        h.invertMatch,
        h.treatMissingHeaderAsEmpty,
      ]),
      [
        [
          ':method',
          { kind: 'string', matcher: { kind: 'exact', value: 'POST', ignoreCase: false } },
          false,
          false,
        ],
        [
          'x-version',
          { kind: 'string', matcher: { kind: 'prefix', value: 'v2', ignoreCase: true } },
          true,
          false,
        ],
        ['x-id', { kind: 'range', start: 1, end: 100 }, false, false],
        ['x-debug', { kind: 'present', present: true }, false, false],
        ['x-absent', { kind: 'present', present: false }, false, true],
        [
          'x-re',
          { kind: 'string', matcher: { kind: 'safeRegex', regex: '\\d+', ignoreCase: false } },
          false,
          false,
        ],
      ],
    );
    assert.deepEqual(
      errors({
        match: { prefix: '/', headers: [{ name: 'x', exact_match: 'a', prefix_match: 'b' }] },
        route: toBackend,
      }),
      [
        [
          `${R}.match.headers[0]`,
          'route configuration "rc", virtual host "vh": only one of "exact_match" and "prefix_match" may be set (oneof header_match_specifier)',
        ],
      ],
    );
    assert.deepEqual(
      errors({
        match: {
          prefix: '/',
          headers: [{ name: 'x', string_match: { safe_regex: { regex: 'a' }, ignore_case: true } }],
        },
        route: toBackend,
      }),
      [
        [
          `${R}.match.headers[0].string_match.ignore_case`,
          'route configuration "rc", virtual host "vh": has no effect with safe_regex; start the regex with (?i)',
        ],
      ],
    );
  });

  it('reads query parameter matchers', () => {
    const query_parameters = [
      { name: 'debug' },
      { name: 'v', string_match: { exact: '2' } },
      { name: 'p', present_match: true },
    ];
    assert.deepEqual(
      routeOf({ match: { prefix: '/', query_parameters }, route: toBackend }).match.queryParameters,
      [
        { name: 'debug', spec: { kind: 'present' } },
        { name: 'v', spec: { kind: 'string', matcher: { kind: 'exact', value: '2', ignoreCase: false } } },
        { name: 'p', spec: { kind: 'present' } },
      ],
    );
  });
});

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
        max_stream_duration: { grpc_timeout_header_max: '10s' },
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
      grpcTimeoutHeaderMaxMs: 10_000,
    });
  });

  it('rejects prefix_rewrite together with regex_rewrite, and two host rewrites', () => {
    const regex_rewrite = { pattern: { regex: '^/v1' }, substitution: '/v2' };
    assert.deepEqual(
      errors({ match: { prefix: '/' }, route: { cluster: 'b', prefix_rewrite: '/', regex_rewrite } }),
      [
        [
          `${R}.route`,
          'route configuration "rc", virtual host "vh": only one of "prefix_rewrite" and "regex_rewrite" may be set',
        ],
      ],
    );
    assert.deepEqual(
      errors({
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
    assert.deepEqual(errors(route({ clusters: [{ name: 'v1', weight: 0 }] })), [
      [
        `${R}.route.weighted_clusters.clusters`,
        'route configuration "rc", virtual host "vh": the weights must add up to between 1 and 4294967295, got 0',
      ],
    ]);
    assert.deepEqual(errors(route({ clusters: [{ name: 'v1', weight: 60 }], total_weight: 100 })), [
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
      errors({ match: { prefix: '/' }, redirect: { https_redirect: true, scheme_redirect: 'http' } }),
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
    assert.deepEqual(errors({ match: { prefix: '/' }, direct_response: { status: 99 } }), [
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
    assert.deepEqual(errors({ match: { prefix: '/' } }), [
      [
        R,
        'route configuration "rc", virtual host "vh": one of "route", "redirect" or "direct_response" is required',
      ],
    ]);
    assert.deepEqual(
      errors({
        match: { prefix: '/' },
        route: { cluster: 'b', retry_policy: { retry_on: '5xx' } },
        typed_per_filter_config: {},
      }),
      [
        [
          `${R}.route.retry_policy`,
          'route configuration "rc", virtual host "vh": "retry_policy" is not supported by Tandem yet: retries arrive with traffic management',
        ],
        [
          `${R}.typed_per_filter_config`,
          'route configuration "rc", virtual host "vh": "typed_per_filter_config" is not supported by Tandem yet: per-filter overrides come with the filters that use them',
        ],
      ],
    );
    const decorated = validate({ match: { prefix: '/' }, route: toBackend, decorator: { operation: 'x' } });
    assert.ok(decorated.ok);
    assert.deepEqual(issues(decorated.warnings), [
      [
        `${R}.decorator`,
        'route configuration "rc", virtual host "vh": "decorator" is ignored by Tandem (tracing is not implemented yet)',
      ],
    ]);
  });
});

describe('Header mutations', () => {
  it('maps the deprecated append flag onto append_action and lower-cases names', () => {
    const route = routeOf({
      match: { prefix: '/' },
      route: toBackend,
      request_headers_to_add: [
        { header: { key: 'X-A', value: '1' }, append: false },
        { header: { key: 'x-b', value: '2' }, append_action: 'ADD_IF_ABSENT', keep_empty_value: true },
        { header: { key: 'x-c', value: '3' } },
      ],
      response_headers_to_remove: ['Server'],
    });
    assert.deepEqual(route.headers, {
      requestHeadersToAdd: [
        { key: 'x-a', value: '1', appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD', keepEmptyValue: false },
        { key: 'x-b', value: '2', appendAction: 'ADD_IF_ABSENT', keepEmptyValue: true },
        { key: 'x-c', value: '3', appendAction: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false },
      ],
      requestHeadersToRemove: [],
      responseHeadersToAdd: [],
      responseHeadersToRemove: ['server'],
    });
  });

  it('refuses pseudo-headers and host, and append together with append_action', () => {
    const result = errors({
      match: { prefix: '/' },
      route: toBackend,
      request_headers_to_add: [
        { header: { key: 'Host', value: 'x' } },
        { header: { key: 'x', value: 'y' }, append: true, append_action: 'ADD_IF_ABSENT' },
      ],
      response_headers_to_remove: [':status'],
    });
    assert.deepEqual(result, [
      [
        `${R}.request_headers_to_add[0].header.key`,
        'route configuration "rc", virtual host "vh": "host" may not be modified: pseudo-headers and host are off limits (use host_rewrite_* to change the host)',
      ],
      [
        `${R}.request_headers_to_add[1]`,
        'route configuration "rc", virtual host "vh": "append" and "append_action" are both set; use only append_action',
      ],
      [
        `${R}.response_headers_to_remove[0]`,
        'route configuration "rc", virtual host "vh": ":status" may not be removed: pseudo-headers and host are off limits',
      ],
    ]);
  });
});

describe('Virtual host domains', () => {
  function domainErrors(...domainLists: string[][]) {
    const result = validateResource(RESOURCE_TYPE_URLS.routeConfiguration, {
      virtual_hosts: domainLists.map((domains, i) => ({ name: `vh${i}`, domains, routes: [] })),
    });
    return result.ok ? [] : result.errors;
  }

  it('accepts exact, suffix, prefix and catch-all wildcards', () => {
    assert.deepEqual(
      domainErrors(
        ['example.com', 'example.com:8080'],
        ['*.example.com', '*-bar.example.com'],
        ['foo.*', 'foo-*'],
        ['*'],
      ),
      [],
    );
  });

  it('rejects misplaced or repeated wildcards and empty lists', () => {
    assert.deepEqual(issues(domainErrors(['a.*.com', '*.*'], [])), [
      [
        'virtual_hosts[0].domains[0]',
        'virtual host "vh0": "a.*.com": the wildcard "*" must be the first or last character',
      ],
      ['virtual_hosts[0].domains[1]', 'virtual host "vh0": "*.*": only one wildcard "*" is allowed'],
      ['virtual_hosts[1].domains', 'virtual host "vh1": needs at least 1 element(s), got 0'],
    ]);
  });

  it('rejects a domain used twice in one route configuration', () => {
    assert.deepEqual(domainErrors(['a.com', '*'], ['A.com'], ['*']), [
      {
        path: 'virtual_hosts[1].domains[0]',
        message:
          'virtual host "vh1": domain "A.com" appears also in virtual host "vh0"; domains must be unique',
        code: ConfigIssueCode.duplicate,
      },
      {
        path: 'virtual_hosts[2].domains[0]',
        message: 'virtual host "vh2": domain "*" appears also in virtual host "vh0"; domains must be unique',
        code: ConfigIssueCode.duplicate,
      },
    ]);
  });
});
