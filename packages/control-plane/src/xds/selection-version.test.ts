import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SnapshotResource, selectionVersion } from './snapshot.ts';

const resource = (name: string, version: string): SnapshotResource => ({
  name,
  version,
  json: { name },
  any: { type_url: 'type.googleapis.com/test', value: Buffer.alloc(0) },
});

describe('selectionVersion', () => {
  const a = resource('a', '0000000000000001');
  const b = resource('b', '0000000000000002');

  it('is the same for the same names and versions, in any order and in other resource objects', () => {
    const version = selectionVersion([a, b]);
    assert.match(version, /^[0-9a-f]{32}$/);
    assert.equal(selectionVersion([b, a]), version);
    assert.equal(selectionVersion([resource('b', b.version), resource('a', a.version)]), version);
  });

  it('changes when a resource changes, is added or removed, or when two names swap versions', () => {
    const version = selectionVersion([a, b]);
    const others = [
      selectionVersion([a, resource('b', '0000000000000003')]),
      selectionVersion([a]),
      selectionVersion([a, b, resource('c', '0000000000000004')]),
      selectionVersion([resource('a', b.version), resource('b', a.version)]),
      selectionVersion([]),
    ];
    for (const other of others) assert.notEqual(other, version);
    assert.equal(new Set(others).size, others.length);
  });
});
