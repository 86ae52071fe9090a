import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { R, routeErrors, routeOf, toBackend } from '../testing/route-harness.ts';

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
    assert.deepEqual(routeErrors({ match: { prefix: '/', path: '/a' }, route: toBackend }), [
      [
        `${R}.match`,
        'route configuration "rc", virtual host "vh": only one of "prefix" and "path" may be set (oneof path_specifier)',
      ],
    ]);
    assert.deepEqual(routeErrors({ name: 'r', match: {}, route: toBackend }), [
      [
        `${R}.match`,
        'route configuration "rc", virtual host "vh", route "r": one of "prefix", "path", "safe_regex" or "path_separated_prefix" is required',
      ],
    ]);
    assert.deepEqual(routeErrors({ match: { path_separated_prefix: '/api/' }, route: toBackend }), [
      [
        `${R}.match.path_separated_prefix`,
        'route configuration "rc", virtual host "vh": must not be empty, contain "?" or "#", or end with "/"',
      ],
    ]);
  });

  it('rejects regexes that do not compile, naming the path', () => {
    assert.deepEqual(
      routeErrors({ match: { safe_regex: { google_re2: {}, regex: '/(a' } }, route: toBackend }),
      [
        [
          `${R}.match.safe_regex.regex`,
          'route configuration "rc", virtual host "vh": invalid regular expression "/(a": Unterminated group',
        ],
      ],
    );
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
      routeErrors({
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
      routeErrors({
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
