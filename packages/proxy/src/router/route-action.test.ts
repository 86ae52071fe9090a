import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteAction } from '@tandem/api';
import { compilePathMatcher } from './path-matcher.ts';
import { CompiledRouteAction } from './route-action.ts';
import { RouteConfigError } from './route-config-error.ts';
import { requestHead, routeAction, testPath } from './route-fixtures.ts';

function compile(a: Partial<RouteAction>): CompiledRouteAction {
  return new CompiledRouteAction(
    routeAction(a),
    compilePathMatcher({ kind: 'prefix', value: '/' }, true, testPath),
    testPath,
  );
}

describe('CompiledRouteAction', () => {
  it('carries timeouts and the cluster-not-found status', () => {
    const a = compile({
      timeoutMs: 0,
      idleTimeoutMs: 5000,
      maxStreamDurationMs: 100,
      grpcTimeoutHeaderMaxMs: 50,
    });
    assert.equal(a.timeoutMs, 0);
    assert.equal(a.idleTimeoutMs, 5000);
    assert.equal(a.maxStreamDurationMs, 100);
    assert.equal(a.grpcTimeoutHeaderMaxMs, 50);
    assert.equal(a.clusterNotFoundStatus, 503);
    assert.equal(a.hashPolicy, undefined);
    assert.equal(a.pickCluster(requestHead(), 0)?.name, 'default');
  });

  it('keys upgrade overrides by lower-case type and rejects duplicates', () => {
    const a = compile({ upgradeConfigs: [{ upgradeType: 'WebSocket', enabled: false }] });
    assert.equal(a.upgrades.get('websocket'), false);
    assert.throws(
      () =>
        compile({
          upgradeConfigs: [
            { upgradeType: 'websocket', enabled: true },
            { upgradeType: 'WEBSOCKET', enabled: false },
          ],
        }),
      RouteConfigError,
    );
  });

  it('compiles hash policies', () => {
    const a = compile({ hashPolicy: [{ kind: 'sourceIp', terminal: false }] });
    assert.ok(a.hashPolicy);
  });
});
