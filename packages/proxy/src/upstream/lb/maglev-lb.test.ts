import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Host } from '../host.ts';
import { consistentHashWeights } from './consistent-hash-weights.ts';
import { LB_CONFIG_ERROR_CODE } from './lb-error.ts';
import { buildMaglevTable, fillMaglevTable, isPrime, maglevFactory } from './maglev-lb.ts';
import { buildPrioritySet } from './priority-set.ts';
import { mulberry32 } from './random.ts';
import { countPicks, makeHosts, randomHashes, testCluster } from './test-helpers.ts';

const KEYS = randomHashes(91, 50000);

function tableOf(hosts: readonly Host[], tableSize = 65537) {
  const weighted = consistentHashWeights(buildPrioritySet(hosts).hostSets[0], false, false);
  return buildMaglevTable(weighted, mulberry32(1), { tableSize });
}

function slotsPerHost(table: Uint32Array, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const owner of table) counts[owner]++;
  return counts;
}

describe('maglev table', () => {
  it('fills every slot, evenly across equal hosts', () => {
    const table = fillMaglevTable(['a:1', 'b:1', 'c:1'], Float64Array.of(1, 1, 1), 65537);
    assert.deepEqual(slotsPerHost(table, 3), [21846, 21846, 21845]);
  });

  it('gives hosts slots in proportion to weight', () => {
    const table = fillMaglevTable(['a:1', 'b:1', 'c:1'], Float64Array.of(1, 2, 4), 65537);
    const counts = slotsPerHost(table, 3);
    for (const [i, w] of [1, 2, 4].entries())
      assert.ok(Math.abs(counts[i] - (65537 * w) / 7) <= 2, `${counts}`);
  });

  it('sends the same key to the same host, across rebuilds', () => {
    const a = tableOf(makeHosts(6));
    const b = tableOf(makeHosts(6));
    assert.deepEqual(a.table, b.table);
    for (const hash of KEYS.subarray(0, 2000)) assert.equal(a.pick(hash)?.key, b.pick(hash)?.key);
    assert.equal(a.pick(70000), a.hosts[a.table[70000 % 65537]]);
  });

  it('disrupts little when a host leaves or joins', () => {
    const hosts = makeHosts(11);
    const ten = tableOf(hosts.slice(0, 10));
    const eleven = tableOf(hosts);
    const nine = tableOf(hosts.slice(1, 10));
    let joinMoved = 0;
    let leaveMovedOthers = 0;
    for (const hash of KEYS) {
      if (ten.pick(hash) !== eleven.pick(hash)) joinMoved++;
      const was = ten.pick(hash);
      if (was !== hosts[0] && nine.pick(hash) !== was) leaveMovedOthers++;
    }
    assert.ok(Math.abs(joinMoved / KEYS.length - 1 / 11) < 0.02, `join moved ${joinMoved}`);
    assert.ok(leaveMovedOthers / KEYS.length < 0.01, `leave moved others' keys ${leaveMovedOthers}`);
  });

  it('spreads request keys by weight through the balancer', () => {
    const hosts = makeHosts(3);
    for (const [i, h] of hosts.entries()) h.weight = i + 1;
    const lb = maglevFactory.create(
      buildPrioritySet(hosts),
      testCluster({ lbPolicy: 'MAGLEV' }),
      mulberry32(1),
    );
    const counts = countPicks(lb, KEYS.length, (i) => KEYS[i]);
    hosts.forEach((h, i) => {
      assert.ok(Math.abs((counts.get(h.key) ?? 0) / KEYS.length - (i + 1) / 6) < 0.01);
    });
    const random = countPicks(lb, 30000);
    assert.ok(Math.abs((random.get(hosts[2].key) ?? 0) / 30000 - 0.5) < 0.02);
  });

  it('rejects a table size that is not prime, or too small for the hosts', () => {
    for (const tableSize of [65536, 4]) {
      assert.throws(
        () =>
          maglevFactory.create(
            buildPrioritySet(makeHosts(5)),
            testCluster({ maglev: { tableSize } }),
            Math.random,
          ),
        (err: Error & { code?: string }) =>
          err.code === LB_CONFIG_ERROR_CODE && err.message.includes('backend'),
      );
    }
    assert.equal(tableOf(makeHosts(3), 7).table.length, 7);
  });

  it('tests primality', () => {
    assert.deepEqual([1, 2, 3, 4, 9, 65537, 65536, 5000011].map(isPrime), [
      false,
      true,
      true,
      false,
      false,
      true,
      false,
      true,
    ]);
  });
});
