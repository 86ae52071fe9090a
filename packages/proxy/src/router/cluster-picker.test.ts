import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSpecifier } from '@tandem/api';
import { compileClusterPicker } from './cluster-picker.ts';
import { RouteConfigError } from './route-config-error.ts';
import { mutations, requestHead, testPath } from './route-fixtures.ts';

function weighted(...weights: number[]): ClusterSpecifier {
  return {
    kind: 'weightedClusters',
    clusters: weights.map((weight, i) => ({ name: `c${i}`, weight, headers: mutations() })),
    totalWeight: 0,
  };
}

describe('compileClusterPicker', () => {
  const head = requestHead();

  it('returns a fixed cluster, the same object every time', () => {
    const p = compileClusterPicker({ kind: 'cluster', name: 'reviews' }, testPath);
    assert.equal(p.pick(head, 7)?.name, 'reviews');
    assert.equal(p.pick(head, 7), p.pick(head, 8));
  });

  it('splits by weight at the exact interval boundaries', () => {
    const p = compileClusterPicker(weighted(10, 20, 70), testPath);
    const at = (r: number) => p.pick(head, r)?.name;
    assert.equal(at(0), 'c0');
    assert.equal(at(9), 'c0');
    assert.equal(at(10), 'c1');
    assert.equal(at(29), 'c1');
    assert.equal(at(30), 'c2');
    assert.equal(at(99), 'c2');
    assert.equal(at(100), 'c0');
    assert.equal(at(4294967295), 'c2'); // 4294967295 % 100 = 95
  });

  it('never picks a zero-weight cluster', () => {
    const p = compileClusterPicker(weighted(0, 1, 0, 1), testPath);
    const seen = new Set<string>();
    for (let r = 0; r < 10; r++) seen.add(p.pick(head, r)!.name);
    assert.deepEqual([...seen].sort(), ['c1', 'c3']);
  });

  it('uses the sum of weights, not totalWeight', () => {
    const spec = { ...weighted(1, 1), totalWeight: 100 } as ClusterSpecifier;
    const p = compileClusterPicker(spec, testPath);
    assert.equal(p.pick(head, 1)?.name, 'c1');
    assert.equal(p.pick(head, 2)?.name, 'c0');
  });

  it('carries the weighted cluster header mutations', () => {
    const spec: ClusterSpecifier = {
      kind: 'weightedClusters',
      clusters: [
        { name: 'a', weight: 1, headers: mutations({ requestHeadersToRemove: ['x-a'] }) },
        { name: 'b', weight: 1, headers: mutations() },
      ],
      totalWeight: 0,
    };
    const p = compileClusterPicker(spec, testPath);
    assert.deepEqual(p.pick(head, 0)?.requestMutations?.remove, ['x-a']);
    assert.equal(p.pick(head, 1)?.requestMutations, undefined);
  });

  it('reads the cluster from a header, first value; missing or empty gives undefined', () => {
    const p = compileClusterPicker({ kind: 'clusterHeader', header: 'X-Cluster' }, testPath);
    assert.equal(p.pick(requestHead({ headers: ['x-cluster', 'a', 'x-cluster', 'b'] }), 0)?.name, 'a');
    assert.equal(p.pick(requestHead({ headers: ['x-cluster', ''] }), 0), undefined);
    assert.equal(p.pick(requestHead(), 0), undefined);
  });

  it('rejects weights that sum to 0 and empty lists', () => {
    assert.throws(() => compileClusterPicker(weighted(0, 0), testPath), RouteConfigError);
    assert.throws(() => compileClusterPicker(weighted(), testPath), RouteConfigError);
    assert.throws(() => compileClusterPicker(weighted(-1, 2), testPath), RouteConfigError);
  });
});
