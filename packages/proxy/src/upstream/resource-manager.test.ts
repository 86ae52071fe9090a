import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsStore } from '../stats/stats.ts';
import { buildResourceManagers, ResourceManager } from './resource-manager.ts';

describe('ResourceManager', () => {
  it("applies Envoy's defaults when a cluster sets no circuit breakers", () => {
    const [d, h] = buildResourceManagers(undefined, new StatsStore().scope('cluster.c.'));
    for (const rm of [d, h]) {
      assert.equal(rm.maxConnections, 1024);
      assert.equal(rm.maxPendingRequests, 1024);
      assert.equal(rm.maxRequests, 1024);
      assert.equal(rm.maxRetries, 3);
    }
    d.adjustRetries(3);
    assert.equal(d.canRetry(), false);
  });

  it('sizes a retry budget from active and pending requests, with a floor', () => {
    const rm = new ResourceManager(
      {
        maxConnections: 1,
        maxPendingRequests: 1,
        maxRequests: 100,
        maxRetries: 0,
        retryBudget: { budgetPercent: 20, minRetryConcurrency: 2 },
        trackRemaining: false,
      },
      new StatsStore().scope('x.'),
    );
    rm.adjustRetries(2);
    assert.equal(rm.canRetry(), false, 'the floor of 2 is used up');
    rm.adjustRequests(20);
    assert.equal(rm.canRetry(), true, '20% of 20 active requests is 4');
    rm.adjustRetries(2);
    assert.equal(rm.canRetry(), false);
  });

  it('publishes open and remaining gauges when tracking', () => {
    const store = new StatsStore();
    const [rm] = buildResourceManagers(
      {
        default: {
          maxConnections: 2,
          maxPendingRequests: 1,
          maxRequests: 5,
          maxRetries: 3,
          retryBudget: undefined,
          trackRemaining: true,
        },
        high: {
          maxConnections: 2,
          maxPendingRequests: 1,
          maxRequests: 5,
          maxRetries: 3,
          retryBudget: undefined,
          trackRemaining: false,
        },
      },
      store.scope('cluster.c.'),
    );
    rm.adjustPending(1);
    assert.equal(store.gauges.get('cluster.c.circuit_breakers.default.rq_pending_open')?.value, 1);
    assert.equal(store.gauges.get('cluster.c.circuit_breakers.default.remaining_rq')?.value, 5);
    rm.adjustConnections(1);
    assert.equal(store.gauges.get('cluster.c.circuit_breakers.default.remaining_cx')?.value, 1);
  });
});
