import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryParams } from './query-params.ts';

describe('QueryParams', () => {
  it('splits on & and the first =, keeping the first of repeated names', () => {
    const q = QueryParams.parse('/p?a=1&b=x=y&a=2&flag&&e=');
    assert.deepEqual(q.list, ['a', '1', 'b', 'x=y', 'a', '2', 'flag', '', '', '', 'e', '']);
    assert.equal(q.first('a'), '1');
    assert.equal(q.first('b'), 'x=y');
    assert.equal(q.first('flag'), '');
    assert.equal(q.first('e'), '');
    assert.equal(q.first('missing'), undefined);
  });

  it('does not percent-decode names or values', () => {
    const q = QueryParams.parse('/p?na%6De=a%20b+c');
    assert.equal(q.first('name'), undefined);
    assert.equal(q.first('na%6De'), 'a%20b+c');
  });

  it('is empty without a query', () => {
    assert.equal(QueryParams.parse('/p'), QueryParams.EMPTY);
    assert.equal(QueryParams.parse('/p?'), QueryParams.EMPTY);
  });
});
