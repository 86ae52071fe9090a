import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathMatch, RedirectAction } from '@tandem/api';
import { compilePathMatcher } from './path-matcher.ts';
import { CompiledRedirect } from './redirect.ts';
import { RouteConfigError } from './route-config-error.ts';
import { redirectAction, requestHead, testPath } from './route-fixtures.ts';

function location(
  r: Partial<RedirectAction>,
  req: { scheme?: string; authority?: string; path?: string },
  m: PathMatch = { kind: 'prefix', value: '/' },
): string {
  const redirect = new CompiledRedirect(redirectAction(r), compilePathMatcher(m, true, testPath), testPath);
  return redirect.buildLocation(requestHead(req));
}

describe('CompiledRedirect.buildLocation', () => {
  const table: [
    string,
    Partial<RedirectAction>,
    { scheme?: string; authority?: string; path?: string },
    string,
  ][] = [
    ['nothing changed', {}, { authority: 'a.com', path: '/x?q=1' }, 'http://a.com/x?q=1'],
    ['https_redirect', { schemeRedirect: 'https' }, { authority: 'a.com', path: '/x' }, 'https://a.com/x'],
    ['https drops :80', { schemeRedirect: 'https' }, { authority: 'a.com:80', path: '/' }, 'https://a.com/'],
    [
      'https keeps :8080',
      { schemeRedirect: 'https' },
      { authority: 'a.com:8080', path: '/' },
      'https://a.com:8080/',
    ],
    [
      'http drops :443',
      { schemeRedirect: 'http' },
      { scheme: 'https', authority: 'a.com:443' },
      'http://a.com/',
    ],
    ['same scheme keeps :80', { schemeRedirect: 'http' }, { authority: 'a.com:80' }, 'http://a.com:80/'],
    [
      'https keeps :443',
      { schemeRedirect: 'https' },
      { scheme: 'https', authority: 'a.com:443' },
      'https://a.com:443/',
    ],
    ['IPv6 :80 dropped', { schemeRedirect: 'https' }, { authority: '[::1]:80' }, 'https://[::1]/'],
    [
      'port_redirect replaces port',
      { portRedirect: 8443 },
      { authority: 'a.com:8080' },
      'http://a.com:8443/',
    ],
    ['port_redirect adds port', { portRedirect: 8443 }, { authority: 'a.com' }, 'http://a.com:8443/'],
    [
      'port_redirect kept when standard',
      { schemeRedirect: 'https', portRedirect: 443 },
      {},
      'https://example.com:443/',
    ],
    ['host_redirect', { hostRedirect: 'b.org' }, { authority: 'a.com:8080', path: '/p' }, 'http://b.org/p'],
    ['host + port', { hostRedirect: 'b.org:1', portRedirect: 2 }, { authority: 'a.com' }, 'http://b.org:2/'],
    [
      'path_redirect keeps query',
      { pathRewrite: { kind: 'path', value: '/new' } },
      { path: '/old?a=1' },
      'http://example.com/new?a=1',
    ],
    [
      'path_redirect with its own query',
      { pathRewrite: { kind: 'path', value: '/new?b=2' }, stripQuery: true },
      { path: '/old?a=1' },
      'http://example.com/new?b=2',
    ],
    ['strip_query', { stripQuery: true }, { path: '/old?a=1' }, 'http://example.com/old'],
    [
      'path_redirect + strip_query',
      { pathRewrite: { kind: 'path', value: '/new' }, stripQuery: true },
      { path: '/old?a=1' },
      'http://example.com/new',
    ],
    [
      'path_redirect gets a leading /',
      { pathRewrite: { kind: 'path', value: 'new' } },
      { path: '/old' },
      'http://example.com/new',
    ],
    [
      'regex rewrite keeps query',
      { pathRewrite: { kind: 'regex', pattern: '^/v1/(.*)$', substitution: '/v2/\\1' } },
      { path: '/v1/a/b?x=1' },
      'http://example.com/v2/a/b?x=1',
    ],
    [
      'everything',
      { schemeRedirect: 'https', hostRedirect: 'new.com', portRedirect: 8443, stripQuery: true },
      { authority: 'old.com:80', path: '/p?q' },
      'https://new.com:8443/p',
    ],
  ];
  for (const [name, r, req, expected] of table) {
    it(name, () => assert.equal(location(r, req), expected));
  }

  it('prefix rewrite replaces the route prefix', () => {
    const prefix: PathMatch = { kind: 'prefix', value: '/old/' };
    const r = { pathRewrite: { kind: 'prefix', value: '/new/' } } as const;
    assert.equal(location(r, { path: '/old/x?y=1' }, prefix), 'http://example.com/new/x?y=1');
    assert.equal(
      location({ ...r, stripQuery: true }, { path: '/old/x?y=1' }, prefix),
      'http://example.com/new/x',
    );
  });

  it('rejects response codes that are not redirects', () => {
    assert.throws(() => location({ responseCode: 200 }, {}), RouteConfigError);
    for (const code of [301, 302, 303, 307, 308]) assert.ok(location({ responseCode: code }, {}));
  });
});
