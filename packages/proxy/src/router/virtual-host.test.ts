import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route } from '@tandem/api';
import { QueryParams } from './query-params.ts';
import { match, requestHead, route, routeConfig, virtualHost } from './route-fixtures.ts';
import { compileRouteConfiguration } from './route-table.ts';
import type { CompiledVirtualHost } from './virtual-host.ts';

function vhostOf(
  routes: Route[],
  requireTls: 'NONE' | 'EXTERNAL_ONLY' | 'ALL' = 'NONE',
): CompiledVirtualHost {
  const table = compileRouteConfiguration(
    routeConfig({ virtualHosts: [virtualHost({ routes, requireTls })] }),
  );
  return table.virtualHosts[0]!;
}

const exactQuery = (name: string, value: string) => ({
  name,
  spec: { kind: 'string' as const, matcher: { kind: 'exact' as const, value, ignoreCase: false } },
});

describe('CompiledVirtualHost.matchRoute', () => {
  it('returns the first route that matches, even when a later one is more specific', () => {
    const vh = vhostOf([
      route({ name: 'api', match: match({ path: { kind: 'prefix', value: '/api' } }) }),
      route({ name: 'api-v1-exact', match: match({ path: { kind: 'path', value: '/api/v1' } }) }),
      route({ name: 'catch-all', match: match({ path: { kind: 'prefix', value: '/' } }) }),
    ]);
    assert.equal(vh.matchRoute(requestHead({ path: '/api/v1' }))?.name, 'api');
    assert.equal(vh.matchRoute(requestHead({ path: '/other' }))?.name, 'catch-all');
  });

  it('returns undefined when no route matches', () => {
    const vh = vhostOf([route({ match: match({ path: { kind: 'path', value: '/only' } }) })]);
    assert.equal(vh.matchRoute(requestHead({ path: '/else' })), undefined);
  });

  it('requires every rule of a route: path, headers, query, grpc', () => {
    const vh = vhostOf([
      route({
        name: 'all',
        match: match({
          path: { kind: 'prefix', value: '/svc' },
          headers: [
            {
              name: ':method',
              spec: { kind: 'string', matcher: { kind: 'exact', value: 'POST', ignoreCase: false } },
              invertMatch: false,
              treatMissingHeaderAsEmpty: false,
            },
          ],
          queryParameters: [exactQuery('v', '2'), { name: 'debug', spec: { kind: 'present' } }],
          grpc: true,
        }),
      }),
      route({ name: 'fallback' }),
    ]);
    const ok = { method: 'POST', path: '/svc/M?v=2&debug', headers: ['content-type', 'application/grpc'] };
    assert.equal(vh.matchRoute(requestHead(ok))?.name, 'all');
    assert.equal(vh.matchRoute(requestHead({ ...ok, method: 'GET' }))?.name, 'fallback');
    assert.equal(vh.matchRoute(requestHead({ ...ok, path: '/svc/M?v=3&debug' }))?.name, 'fallback');
    assert.equal(vh.matchRoute(requestHead({ ...ok, path: '/svc/M?v=2' }))?.name, 'fallback');
    assert.equal(vh.matchRoute(requestHead({ ...ok, path: '/svc/M?v=2&v=3&debug' }))?.name, 'all');
    assert.equal(vh.matchRoute(requestHead({ ...ok, path: '/svc/M?v=3&v=2&debug' }))?.name, 'fallback');
    assert.equal(
      vh.matchRoute(requestHead({ ...ok, headers: ['content-type', 'application/grpc+proto'] }))?.name,
      'all',
    );
    assert.equal(
      vh.matchRoute(requestHead({ ...ok, headers: ['content-type', 'application/grpc-web'] }))?.name,
      'fallback',
    );
    assert.equal(vh.matchRoute(requestHead({ ...ok, headers: [] }))?.name, 'fallback');
  });

  it('parses the query at most once per request, and only when a route needs it', (t) => {
    const parse = t.mock.method(QueryParams, 'parse');
    const vh = vhostOf([
      route({ name: 'q1', match: match({ queryParameters: [exactQuery('a', '1')] }) }),
      route({ name: 'q2', match: match({ queryParameters: [exactQuery('b', '2')] }) }),
      route({ name: 'plain', match: match({ path: { kind: 'prefix', value: '/plain' } }) }),
    ]);
    assert.equal(vh.matchRoute(requestHead({ path: '/x?b=2' }))?.name, 'q2');
    assert.equal(parse.mock.callCount(), 1);
    const plainOnly = vhostOf([
      route({ name: 'plain', match: match({ path: { kind: 'prefix', value: '/plain' } }) }),
    ]);
    plainOnly.matchRoute(requestHead({ path: '/plain?a=1' }));
    assert.equal(parse.mock.callCount(), 1);
  });

  it('redirects plain-text requests to https when TLS is required', () => {
    const all = vhostOf([route({ name: 'r' })], 'ALL');
    const redirect = all.matchRoute(requestHead({ authority: 'a.com:8080', path: '/x?y' }))!;
    assert.equal(redirect.action.kind, 'redirect');
    assert.ok(redirect.action.kind === 'redirect');
    assert.equal(redirect.action.responseCode, 301);
    assert.equal(
      redirect.action.buildLocation(requestHead({ authority: 'a.com:8080', path: '/x?y' })),
      'https://a.com:8080/x?y',
    );
    assert.equal(all.matchRoute(requestHead({ scheme: 'https' }))?.name, 'r');
    assert.equal(
      all.matchRoute(requestHead({ headers: ['x-envoy-internal', 'true'] }))?.action.kind,
      'redirect',
    );

    const external = vhostOf([route({ name: 'r' })], 'EXTERNAL_ONLY');
    assert.equal(external.matchRoute(requestHead())?.action.kind, 'redirect');
    assert.equal(external.matchRoute(requestHead({ headers: ['x-envoy-internal', 'true'] }))?.name, 'r');
  });
});
