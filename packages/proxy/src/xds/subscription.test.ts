import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsStore } from '../stats/stats.ts';
import { Subscription } from './subscription.ts';

describe('Subscription', () => {
  it('reports the names dropped when they change, and nothing when they do not', () => {
    const s = new Subscription('rds', new StatsStore());
    assert.deepEqual(s.setNames(['b', 'a', 'b']), []);
    assert.deepEqual(s.names, ['a', 'b']);
    assert.equal(s.setNames(['a', 'b']), undefined);
    assert.deepEqual(s.setNames(['c', 'a']), ['b']);
  });

  it('waits for the first response, or for the timeout', async () => {
    const s = new Subscription('lds', new StatsStore());
    const keepAlive = setTimeout(() => {}, 1000); // the subscription's timers do not hold the loop
    assert.equal(await s.waitFirstResponse(10), true);
    const waiting = s.waitFirstResponse(0);
    s.markFirstResponse();
    assert.equal(await waiting, false);
    assert.equal(await s.waitFirstResponse(10), false);
    clearTimeout(keepAlive);
  });

  it('counts under the Envoy stat prefix of its type', () => {
    const store = new StatsStore();
    new Subscription('lds', store).stats.rejected.inc();
    assert.equal(store.counter('listener_manager.lds.update_rejected').value, 1);
  });
});
