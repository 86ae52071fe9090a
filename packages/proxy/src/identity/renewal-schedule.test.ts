import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renewalDelayMs } from './renewal-schedule.ts';

const day = { notBeforeMs: 1_000_000, notAfterMs: 1_000_000 + 86_400_000 };

describe('renewalDelayMs', () => {
  it('renews at half the lifetime without jitter', () => {
    assert.equal(
      renewalDelayMs(day, day.notBeforeMs, { fraction: 0.5, jitter: 0, random: Math.random }),
      43_200_000,
    );
  });

  it('spreads renewals by the jitter either way', () => {
    const at = (r: number) =>
      renewalDelayMs(day, day.notBeforeMs, { fraction: 0.5, jitter: 0.1, random: () => r });
    assert.equal(at(0), 43_200_000 - 8_640_000);
    assert.equal(at(0.5), 43_200_000);
    assert.equal(Math.round(at(1)), 43_200_000 + 8_640_000);
  });

  it('never waits past 90 % of the lifetime, and renews at once when that is behind', () => {
    assert.equal(
      renewalDelayMs(day, day.notBeforeMs, { fraction: 0.95, jitter: 0, random: Math.random }),
      0.9 * 86_400_000,
    );
    assert.equal(
      renewalDelayMs(day, day.notAfterMs - 1000, { fraction: 0.5, jitter: 0, random: Math.random }),
      0,
    );
  });
});
