import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCriteria } from './criteria.ts';
import type { TargetRound } from './measure-target.ts';
import type { OpenLoopResult } from './open-loop.ts';
import { median, summarize } from './summarize.ts';
import type { Target, TargetName } from './targets/target.ts';

function target(name: TargetName): Target {
  return {
    name,
    label: name,
    isProxy: name !== 'direct',
    unavailableReason: () => undefined,
    start: () => Promise.reject(new Error('not used')),
  };
}

function openLoop(p50: number, p99: number): OpenLoopResult {
  const latency = { count: 1, min: p50, max: p99, mean: p50, p50, p90: p99, p99, p999: p99 };
  return {
    ratePerSec: 1000,
    durationMs: 1000,
    connections: 1,
    scheduled: 1,
    completed: 1,
    responsesTotal: 1,
    achievedRps: 1000,
    non2xx: 0,
    errors: 0,
    unfinished: 0,
    reconnects: 0,
    lastError: undefined,
    latencyUs: latency,
    serviceUs: latency,
    sendLagUs: latency,
  };
}

function round(
  name: TargetName,
  n: number,
  values: { p50: number; p99: number; cpu: number | null },
): TargetRound {
  return {
    target: name,
    round: n,
    wrk: {
      requests: 1000,
      elapsedSec: 1,
      requestsPerSec: 1000 * n,
      latencyUs: { p50: 1, p75: 1, p90: 1, p99: 1 },
      errors: 0,
    },
    cpuUsPerRequest: values.cpu,
    proxyCpuBusy: values.cpu === null ? null : 0.5,
    proxyRunQueueWait: values.cpu === null ? null : 0,
    idleRssKb: values.cpu === null ? null : 40_000,
    peakRssKb: values.cpu === null ? null : 50_000,
    openLoop: { 1000: openLoop(values.p50, values.p99) },
  };
}

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });
});

describe('summarize', () => {
  const targets = [target('direct'), target('tandem'), target('haproxy')];
  const rounds: TargetRound[] = [
    round('direct', 1, { p50: 50, p99: 100, cpu: null }),
    round('direct', 2, { p50: 60, p99: 400, cpu: null }),
    round('haproxy', 1, { p50: 80, p99: 150, cpu: 10 }),
    round('haproxy', 2, { p50: 90, p99: 450, cpu: 12 }),
    round('tandem', 1, { p50: 150, p99: 300, cpu: 20 }),
    round('tandem', 2, { p50: 170, p99: 500, cpu: 16 }),
  ];

  it('subtracts direct of the same round, then takes medians; ratios use the medians', () => {
    const [direct, tandem, haproxy] = summarize(targets, rounds, [1000]);
    assert.equal(direct.rates['1000'].addedP99Us, null);
    assert.equal(haproxy.rates['1000'].addedP99Us, 50); // rounds: +50, +50
    assert.equal(tandem.rates['1000'].addedP99Us, 150); // rounds: +200, +100
    assert.equal(tandem.rates['1000'].addedP50Us, 105); // rounds: +100, +110
    assert.equal(tandem.cpuUsPerRequest, 18);
    assert.equal(tandem.vsHaproxy.cpuPerRequest, 18 / 11);
    assert.equal(tandem.vsHaproxy.addedP99, 3);
    assert.equal(tandem.vsNginx.cpuPerRequest, null);
    assert.equal(direct.rps, 1500);
  });

  it('judges the issue targets from the summary', () => {
    const verdicts = evaluateCriteria(summarize(targets, rounds, [1000]), 1000).map((c) => c.verdict);
    assert.deepEqual(verdicts, ['FAIL', 'FAIL', 'PASS']);
  });

  it('counts added latency below zero as zero in ratios', () => {
    const faster = rounds.map((r) =>
      r.target === 'tandem' ? round('tandem', r.round, { p50: 10, p99: 50, cpu: 5 }) : r,
    );
    const tandem = summarize(targets, faster, [1000])[1];
    assert.ok((tandem.rates['1000'].addedP99Us ?? 0) < 0);
    assert.equal(tandem.vsHaproxy.addedP99, 0);
  });

  it('reports a target that never started as skipped, with its error', () => {
    const failed: TargetRound = { target: 'tandem', round: 1, failedAt: 'start', error: 'exited (code 1)' };
    const summaries = summarize(targets, [...rounds.filter((r) => r.target !== 'tandem'), failed], [1000]);
    const tandem = summaries[1];
    assert.equal(tandem.rounds, 0);
    assert.match(tandem.skipped ?? '', /exited/);
    assert.ok(evaluateCriteria(summaries, 1000).every((c) => c.verdict === 'SKIPPED'));
  });
});
