import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route } from '@tandem/api';
import { finalizeRequest } from './finalize-request.ts';
import type { CompiledRouteAction } from './route-action.ts';
import {
  formatContext,
  header,
  match,
  mutations,
  requestHead,
  route,
  routeAction,
  routeConfig,
  virtualHost,
} from './route-fixtures.ts';
import { compileRouteConfiguration } from './route-table.ts';

function compiled(r: Route) {
  return compileRouteConfiguration(routeConfig({ virtualHosts: [virtualHost({ routes: [r] })] }))
    .virtualHosts[0]!.routes[0]!;
}

describe('finalizeRequest', () => {
  it('applies mutations, then host rewrite, then path rewrite with x-envoy-original-path', () => {
    const r = compiled(
      route({
        match: match({ path: { kind: 'prefix', value: '/api/' } }),
        headers: mutations({ requestHeadersToAdd: [header('x-seen-path', '%REQ(:path)%')] }),
        action: routeAction({
          prefixRewrite: '/',
          hostRewrite: { kind: 'literal', value: 'backend.internal' },
        }),
      }),
    );
    const head = requestHead({ path: '/api/users?id=1', authority: 'edge.example' });
    finalizeRequest(r, formatContext(head));
    assert.equal(head.path, '/users?id=1');
    assert.equal(head.authority, 'backend.internal');
    assert.equal(head.headers.get('x-envoy-original-path'), '/api/users?id=1');
    assert.equal(head.headers.get('x-seen-path'), '/api/users?id=1');
  });

  it('leaves out x-envoy-original-path when Envoy headers are suppressed, and without a rewrite', () => {
    const r = compiled(
      route({ action: routeAction({ regexRewrite: { pattern: '^/a', substitution: '/b' } }) }),
    );
    const head = requestHead({ path: '/a/x' });
    finalizeRequest(r, formatContext(head), { suppressEnvoyHeaders: true });
    assert.equal(head.path, '/b/x');
    assert.equal(head.headers.has('x-envoy-original-path'), false);
    const plain = requestHead({ path: '/a/x' });
    finalizeRequest(compiled(route()), formatContext(plain));
    assert.equal(plain.path, '/a/x');
    assert.equal(plain.headers.size, 0);
  });

  it('rewrites the host from a header (first value, only when non-empty)', () => {
    const r = compiled(
      route({ action: routeAction({ hostRewrite: { kind: 'header', header: 'X-Target' } }) }),
    );
    const head = requestHead({ authority: 'a', headers: ['x-target', 'b.svc', 'x-target', 'c.svc'] });
    finalizeRequest(r, formatContext(head));
    assert.equal(head.authority, 'b.svc');
    const empty = requestHead({ authority: 'a', headers: ['x-target', ''] });
    finalizeRequest(r, formatContext(empty));
    assert.equal(empty.authority, 'a');
  });

  it('leaves auto host rewrite to the router, as a flag', () => {
    const r = compiled(route({ action: routeAction({ hostRewrite: { kind: 'auto' } }) }));
    const head = requestHead({ authority: 'a' });
    finalizeRequest(r, formatContext(head));
    assert.equal(head.authority, 'a');
    assert.equal((r.action as CompiledRouteAction).autoHostRewrite, true);
  });
});
