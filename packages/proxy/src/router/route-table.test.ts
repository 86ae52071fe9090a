import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteConfigError } from './route-config-error.ts';
import { requestHead, route, routeAction, routeConfig, virtualHost } from './route-fixtures.ts';
import { compileRouteConfiguration } from './route-table.ts';

function tableWith(domains: Record<string, string[]>, opts: { ignorePort?: boolean } = {}) {
  return compileRouteConfiguration(
    routeConfig({
      virtualHosts: Object.entries(domains).map(([name, d]) => virtualHost({ name, domains: d })),
      ignorePortInHostMatching: opts.ignorePort,
    }),
  );
}

describe('selectVirtualHost', () => {
  const table = tableWith({
    exact: ['www.foo.com', 'api.foo.com:8080'],
    suffixShort: ['*.foo.com'],
    suffixLong: ['*-bar.foo.com'],
    prefixShort: ['foo.*'],
    prefixLong: ['foo.bar.*'],
    fallback: ['*'],
  });
  const cases: [string, string][] = [
    ['www.foo.com', 'exact'],
    ['WWW.Foo.COM', 'exact'],
    ['a.foo.com', 'suffixShort'],
    ['baz-bar.foo.com', 'suffixLong'],
    ['-bar.foo.com', 'suffixShort'],
    ['.foo.com', 'fallback'],
    ['foo.com', 'prefixShort'],
    ['foo.bar.baz', 'prefixLong'],
    ['foo.', 'fallback'],
    ['other.org', 'fallback'],
    ['www.foo.com:80', 'fallback'],
    ['api.foo.com:8080', 'exact'],
    ['api.foo.com', 'suffixShort'],
    ['a.foo.com:8080', 'fallback'],
    ['foo.com:8080', 'prefixShort'],
    ['', 'fallback'],
  ];
  for (const [authority, expected] of cases) {
    it(`${JSON.stringify(authority)} -> ${expected}`, () => {
      assert.equal(table.selectVirtualHost(authority)?.name, expected);
    });
  }

  it('prefers an exact domain over every wildcard', () => {
    const t = tableWith({ star: ['*'], suffix: ['*.a.com'], exact: ['x.a.com'] });
    assert.equal(t.selectVirtualHost('x.a.com')?.name, 'exact');
  });

  it('prefers a suffix wildcard over a prefix wildcard', () => {
    const t = tableWith({ prefix: ['x.a.*'], suffix: ['*.com'] });
    assert.equal(t.selectVirtualHost('x.a.com')?.name, 'suffix');
  });

  it('returns undefined when nothing matches and there is no *', () => {
    const t = tableWith({ one: ['a.com'] });
    assert.equal(t.selectVirtualHost('b.com'), undefined);
  });

  it('ignores the port when ignorePortInHostMatching is set', () => {
    const t = tableWith({ exact: ['www.foo.com'], v6: ['[::1]'], fallback: ['*'] }, { ignorePort: true });
    assert.equal(t.selectVirtualHost('www.foo.com:8443')?.name, 'exact');
    assert.equal(t.selectVirtualHost('[::1]:80')?.name, 'v6');
    assert.equal(t.selectVirtualHost('[::1]')?.name, 'v6');
  });

  it('rejects duplicate domains (case-insensitively) and a second *', () => {
    assert.throws(
      () => tableWith({ a: ['X.com'], b: ['x.com'] }),
      (e: unknown) => e instanceof RouteConfigError && e.path === 'virtualHosts[1].domains[0]',
    );
    assert.throws(() => tableWith({ a: ['*'], b: ['*'] }), RouteConfigError);
    assert.throws(() => tableWith({ a: ['*.x.com', '*.x.com'] }), RouteConfigError);
  });
});

describe('RouteTable.matchRoute', () => {
  it('selects the virtual host, then its first matching route', () => {
    const table = compileRouteConfiguration(
      routeConfig({
        virtualHosts: [
          virtualHost({
            name: 'a',
            domains: ['a.com'],
            routes: [
              route({ name: 'a1', action: routeAction({ cluster: { kind: 'cluster', name: 'ca' } }) }),
            ],
          }),
          virtualHost({ name: 'b', domains: ['*'], routes: [route({ name: 'b1' })] }),
        ],
      }),
    );
    assert.equal(table.matchRoute(requestHead({ authority: 'a.com' }))?.name, 'a1');
    assert.equal(table.matchRoute(requestHead({ authority: 'z.com' }))?.name, 'b1');
  });

  it('reports errors with the config name, path and code', () => {
    const cfg = routeConfig({
      name: 'outbound|80',
      virtualHosts: [
        virtualHost({
          routes: [route({ match: { ...route().match, path: { kind: 'safeRegex', regex: '(' } } })],
        }),
      ],
    });
    try {
      compileRouteConfiguration(cfg);
      assert.fail('expected a RouteConfigError');
    } catch (e) {
      assert.ok(e instanceof RouteConfigError);
      assert.equal(e.code, 'TANDEM_ERR_ROUTE_CONFIG');
      assert.equal(e.routeConfig, 'outbound|80');
      assert.equal(e.path, 'virtualHosts[0].routes[0].match.path.regex');
      assert.match(e.message, /^route configuration "outbound\|80": virtualHosts\[0\]/);
    }
  });
});
