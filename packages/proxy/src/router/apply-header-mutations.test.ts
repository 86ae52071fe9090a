import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderMap } from '../http/header-map.ts';
import { applyRequestHeaderMutations, applyResponseHeaderMutations } from './apply-header-mutations.ts';
import type { CompiledRouteAction } from './route-action.ts';
import type { CompiledRoute } from './route-entry.ts';
import {
  formatContext,
  header,
  mutations,
  requestHead,
  route,
  routeAction,
  routeConfig,
  virtualHost,
} from './route-fixtures.ts';
import { compileRouteConfiguration } from './route-table.ts';

/** A route whose three levels (and a weighted cluster) each overwrite `x-level` and append to `x-trail`. */
function layeredRoute(mostSpecificWins: boolean): CompiledRoute {
  const level = (name: string) =>
    mutations({
      requestHeadersToAdd: [header('x-level', name, 'OVERWRITE_IF_EXISTS_OR_ADD'), header('x-trail', name)],
      responseHeadersToAdd: [header('x-level', name, 'OVERWRITE_IF_EXISTS_OR_ADD'), header('x-trail', name)],
    });
  const table = compileRouteConfiguration(
    routeConfig({
      mostSpecificHeaderMutationsWins: mostSpecificWins,
      headers: level('config'),
      virtualHosts: [
        virtualHost({
          headers: level('vhost'),
          routes: [
            route({
              headers: level('route'),
              action: routeAction({
                cluster: {
                  kind: 'weightedClusters',
                  clusters: [{ name: 'c', weight: 1, headers: level('cluster') }],
                  totalWeight: 0,
                },
              }),
            }),
          ],
        }),
      ],
    }),
  );
  return table.virtualHosts[0]!.routes[0]!;
}

function run(mostSpecificWins: boolean, withCluster: boolean) {
  const r = layeredRoute(mostSpecificWins);
  const head = requestHead();
  const cluster = withCluster ? (r.action as CompiledRouteAction).pickCluster(head, 0) : undefined;
  const ctx = formatContext(head, { cluster });
  applyRequestHeaderMutations(r, ctx);
  const response = new HeaderMap();
  applyResponseHeaderMutations(r, response, ctx);
  return { request: head.headers, response };
}

describe('header mutation precedence', () => {
  it('by default applies route, then virtual host, then config: the most general wins', () => {
    const { request, response } = run(false, false);
    assert.equal(request.get('x-level'), 'config');
    assert.deepEqual(request.getAll('x-trail'), ['route', 'vhost', 'config']);
    assert.equal(response.get('x-level'), 'config');
    assert.deepEqual(response.getAll('x-trail'), ['route', 'vhost', 'config']);
  });

  it('with mostSpecificHeaderMutationsWins applies config first: the route wins', () => {
    const { request, response } = run(true, false);
    assert.equal(request.get('x-level'), 'route');
    assert.deepEqual(request.getAll('x-trail'), ['config', 'vhost', 'route']);
    assert.equal(response.get('x-level'), 'route');
  });

  it('applies the weighted cluster level first, in both modes (as Envoy does)', () => {
    const byDefault = run(false, true);
    assert.deepEqual(byDefault.request.getAll('x-trail'), ['cluster', 'route', 'vhost', 'config']);
    assert.equal(byDefault.request.get('x-level'), 'config');
    assert.deepEqual(byDefault.response.getAll('x-trail'), ['cluster', 'route', 'vhost', 'config']);
    const specificWins = run(true, true);
    assert.deepEqual(specificWins.request.getAll('x-trail'), ['cluster', 'config', 'vhost', 'route']);
    assert.equal(specificWins.request.get('x-level'), 'route');
  });

  it('lets a more general level remove what a more specific one added', () => {
    const table = compileRouteConfiguration(
      routeConfig({
        headers: mutations({ requestHeadersToRemove: ['x-debug'] }),
        virtualHosts: [
          virtualHost({
            routes: [route({ headers: mutations({ requestHeadersToAdd: [header('x-debug', '1')] }) })],
          }),
        ],
      }),
    );
    const head = requestHead({ headers: ['x-debug', 'client'] });
    applyRequestHeaderMutations(table.virtualHosts[0]!.routes[0]!, formatContext(head));
    assert.equal(head.headers.has('x-debug'), false);
  });
});
