import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findInConntrack, originalDestinationMechanism } from './original-destination.ts';

describe('original destination', () => {
  it('finds a redirected connection in the conntrack table (the fallback without the addon)', () => {
    const table = [
      'ipv4     2 tcp      6 86399 ESTABLISHED src=10.77.0.2 dst=10.96.0.11 sport=41000 dport=7000 src=127.0.0.1 dst=10.77.0.2 sport=15001 dport=41000 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 86399 ESTABLISHED src=10.77.0.2 dst=10.96.0.10 sport=41002 dport=9080 src=127.0.0.1 dst=10.77.0.2 sport=15001 dport=41002 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 udp      17 29 src=10.77.0.2 dst=10.77.0.1 sport=41002 dport=53 src=10.77.0.1 dst=10.77.0.2 sport=53 dport=41002 mark=0 zone=0 use=2',
    ].join('\n');
    assert.deepEqual(findInConntrack(table, '10.77.0.2', 41002, 15001), {
      address: '10.96.0.10',
      port: 9080,
    });
    assert.deepEqual(findInConntrack(table, '10.77.0.2', 41000, 15001), {
      address: '10.96.0.11',
      port: 7000,
    });
    assert.equal(findInConntrack(table, '10.77.0.2', 41003, 15001), undefined);
    assert.equal(findInConntrack(table, '10.77.0.2', 41000, 15006), undefined);
  });

  it('uses the SO_ORIGINAL_DST addon whenever npm install could build it', () => {
    const built = existsSync(
      new URL('../../native/original-dst/build/Release/original_dst.node', import.meta.url),
    );
    assert.equal(originalDestinationMechanism() === 'SO_ORIGINAL_DST', built);
  });
});
