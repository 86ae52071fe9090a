import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterOutlierDetection } from '@tandem/api';
import { StatsStore } from '../../stats/stats.ts';
import { fakeTime } from '../../util/testing/fake-time.ts';
import { Host } from '../host.ts';
import { OutlierDetector } from './outlier-detector.ts';
import { failurePercentageOutliers, successRateOutliers } from './success-rate.ts';

const BASE: ClusterOutlierDetection = {
  consecutive5xx: 5,
  consecutiveGatewayFailure: 5,
  consecutiveLocalOriginFailure: 5,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 0,
  enforcingConsecutiveLocalOriginFailure: 100,
  enforcingSuccessRate: 100,
  enforcingFailurePercentage: 0,
  enforcingLocalOriginSuccessRate: 100,
  enforcingFailurePercentageLocalOrigin: 0,
  splitExternalLocalOriginErrors: false,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionTimeJitterMs: 0,
  maxEjectionPercent: 10,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  failurePercentageThreshold: 85,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
  successfulActiveHealthCheckUnejectHost: true,
};

function setup(overrides: Partial<ClusterOutlierDetection>, hostCount = 3) {
  const time = fakeTime();
  const store = new StatsStore();
  let changes = 0;
  const detector = new OutlierDetector({ ...BASE, ...overrides }, store.scope('cluster.c.'), {
    clock: time.clock,
    timers: time.timers,
    random: () => 0,
    onHealthChanged: () => changes++,
  });
  const hosts = Array.from({ length: hostCount }, (_, i) => new Host('10.0.0.1', 8000 + i));
  detector.setHosts(hosts);
  const stat = (name: string) =>
    (
      store.counters.get(`cluster.c.outlier_detection.${name}`) ??
      store.gauges.get(`cluster.c.outlier_detection.${name}`)
    )?.value ?? 0;
  return { time, detector, hosts, stat, changes: () => changes };
}

describe('OutlierDetector', () => {
  it('ejects after consecutive 5xx, for base_ejection_time, and a success resets the count', () => {
    const { time, detector, hosts, stat } = setup({ consecutive5xx: 3, maxEjectionPercent: 100 });
    const h = hosts[0]!;
    detector.reportHttpStatus(h, 500);
    detector.reportHttpStatus(h, 500);
    detector.reportHttpStatus(h, 200);
    detector.reportHttpStatus(h, 503);
    detector.reportHttpStatus(h, 500);
    assert.equal(h.healthy, true);
    detector.reportHttpStatus(h, 502);
    assert.equal(h.healthy, false);
    assert.equal(stat('ejections_active'), 1);
    assert.equal(stat('ejections_enforced_consecutive_5xx'), 1);
    assert.equal(stat('ejections_enforced_total'), 1);
    time.advance(20_000);
    assert.equal(h.healthy, false, 'still ejected before base_ejection_time has passed');
    time.advance(10_000);
    assert.equal(h.healthy, true);
    assert.equal(stat('ejections_active'), 0);
  });

  it('ejects for longer each time a host is ejected again', () => {
    const { time, detector, hosts } = setup({ consecutive5xx: 1, maxEjectionPercent: 100 });
    const h = hosts[1]!;
    detector.reportHttpStatus(h, 500);
    time.advance(30_000);
    assert.equal(h.healthy, true);
    detector.reportHttpStatus(h, 500);
    time.advance(50_000);
    assert.equal(h.healthy, false, 'the second ejection lasts 2 x 30 s');
    time.advance(10_000);
    assert.equal(h.healthy, true);
  });

  it('counts local-origin failures as 5xx unless split, and as their own kind when split', () => {
    const plain = setup({ consecutive5xx: 2, maxEjectionPercent: 100 });
    plain.detector.reportLocalOrigin(plain.hosts[0]!, 'connect-failure');
    plain.detector.reportLocalOrigin(plain.hosts[0]!, 'timeout');
    assert.equal(plain.hosts[0]!.healthy, false);
    const split = setup({
      consecutive5xx: 2,
      splitExternalLocalOriginErrors: true,
      consecutiveLocalOriginFailure: 3,
      maxEjectionPercent: 100,
    });
    const h = split.hosts[0]!;
    split.detector.reportLocalOrigin(h, 'connect-failure');
    split.detector.reportLocalOrigin(h, 'connect-failure');
    assert.equal(h.healthy, true);
    split.detector.reportLocalOrigin(h, 'reset');
    assert.equal(h.healthy, false);
    assert.equal(split.stat('ejections_enforced_consecutive_local_origin_failure'), 1);
  });

  it('detects gateway failures without enforcing them by default', () => {
    const { detector, hosts, stat } = setup({ consecutive5xx: 0, consecutiveGatewayFailure: 2 });
    detector.reportHttpStatus(hosts[0]!, 502);
    detector.reportHttpStatus(hosts[0]!, 504);
    assert.equal(hosts[0]!.healthy, true);
    assert.equal(stat('ejections_detected_consecutive_gateway_failure'), 1);
    assert.equal(stat('ejections_enforced_total'), 0);
  });

  it('keeps ejections within max_ejection_percent, but always allows one', () => {
    const { detector, hosts, stat } = setup({ consecutive5xx: 1, maxEjectionPercent: 10 });
    detector.reportHttpStatus(hosts[0]!, 500);
    detector.reportHttpStatus(hosts[1]!, 500);
    assert.equal(hosts[0]!.healthy, false);
    assert.equal(hosts[1]!.healthy, true);
    assert.equal(stat('ejections_overflow'), 1);
  });

  it('ejects a host whose success rate is an outlier, at the interval', () => {
    const { time, detector, hosts, stat } = setup({ consecutive5xx: 0, maxEjectionPercent: 100 }, 6);
    for (const [i, h] of hosts.entries()) {
      for (let n = 0; n < 200; n++) detector.reportHttpStatus(h, i === 5 && n % 2 === 0 ? 503 : 200);
    }
    time.advance(10_000);
    assert.deepEqual(
      hosts.map((h) => h.healthy),
      [true, true, true, true, true, false],
    );
    assert.equal(stat('ejections_enforced_success_rate'), 1);
  });

  it('computes success-rate and failure-percentage outliers', () => {
    const s = (success: number, total = 100) => ({ success, total });
    const opts = { requestVolume: 100, minimumHosts: 3, stdevFactor: 1900 };
    assert.deepEqual(successRateOutliers([s(100), s(100), s(99), s(100), s(98), s(10)], opts), [5]);
    assert.deepEqual(
      successRateOutliers([s(100), s(100), s(99), s(10)], opts),
      [],
      'within 1.9 sigma of a mean it drags down',
    );
    assert.deepEqual(successRateOutliers([s(100), s(10), s(10, 50)], opts), [], 'too few hosts with volume');
    const fp = { requestVolume: 50, minimumHosts: 2, threshold: 85 };
    assert.deepEqual(failurePercentageOutliers([s(100), s(15), s(14)], fp), [1, 2]);
  });
});
