import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CpuSample, cpuDelta, hasSchedstat, readCpuSample } from './schedstat.ts';

describe('cpuDelta', () => {
  it('sums per-thread differences and counts new threads from zero', () => {
    const before: CpuSample = new Map([
      ['1/1', { onCpuNs: 100, waitNs: 10 }],
      ['1/2', { onCpuNs: 50, waitNs: 0 }],
    ]);
    const after: CpuSample = new Map([
      ['1/1', { onCpuNs: 400, waitNs: 30 }],
      ['1/3', { onCpuNs: 70, waitNs: 5 }],
    ]);
    assert.deepEqual(cpuDelta(before, after), { onCpuNs: 370, waitNs: 25 });
  });
});

describe('readCpuSample', { skip: !hasSchedstat() && 'no schedstat on this kernel' }, () => {
  it('sees this process burn CPU', () => {
    const before = readCpuSample([process.pid]);
    let x = 0;
    for (let i = 0; i < 5e6; i++) x += i % 7;
    const after = readCpuSample([process.pid]);
    assert.ok(x > 0);
    assert.ok(before.size >= 1);
    assert.ok(cpuDelta(before, after).onCpuNs > 0);
  });
});
