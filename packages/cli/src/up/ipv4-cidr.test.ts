import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostAddress, hostCount, overlaps, parseIpv4Cidr } from './ipv4-cidr.ts';

describe('IPv4 CIDR ranges', () => {
  it('parses and normalises a range, and hands out its host addresses in order', () => {
    const pods = parseIpv4Cidr('--pod-cidr', '10.89.0.7/24');
    assert.equal(pods.text, '10.89.0.0/24');
    assert.equal(hostCount(pods), 254);
    assert.equal(hostAddress(pods, 1), '10.89.0.1');
    assert.equal(hostAddress(pods, 254), '10.89.0.254');
    assert.throws(() => hostAddress(pods, 255), /10\.89\.0\.0\/24 has no room for address number 255/);
  });

  it('rejects what is not a usable IPv4 range, naming the flag', () => {
    for (const bad of ['10.89.0.0', '10.89.0.0/31', '300.1.1.1/8', 'fd00::/64'])
      assert.throws(
        () => parseIpv4Cidr('--pod-cidr', bad),
        new RegExp(`--pod-cidr "${bad.replace(/[./]/g, '\\$&')}": expected`),
      );
  });

  it('tells overlapping ranges apart', () => {
    const r = (t: string) => parseIpv4Cidr('x', t, { maxPrefix: 32 });
    assert.equal(overlaps(r('10.89.0.0/24'), r('10.0.0.0/8')), true);
    assert.equal(overlaps(r('10.89.0.0/24'), r('10.89.1.0/24')), false);
    assert.equal(overlaps(r('10.89.0.0/24'), r('10.89.0.200/32')), true);
  });
});
