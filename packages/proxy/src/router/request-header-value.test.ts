import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFirstRequestHeader, readRequestHeader } from './request-header-value.ts';
import { requestHead } from './route-fixtures.ts';

describe('readRequestHeader', () => {
  const head = requestHead({
    method: 'PUT',
    path: '/x',
    authority: 'h:1',
    scheme: 'https',
    headers: ['a', '1', 'b', '2', 'a', '3'],
  });

  it('joins repeated headers with , and reads single ones as they are', () => {
    assert.equal(readRequestHeader(head, 'a'), '1,3');
    assert.equal(readRequestHeader(head, 'b'), '2');
    assert.equal(readRequestHeader(head, 'c'), undefined);
    assert.equal(readFirstRequestHeader(head, 'a'), '1');
  });

  it('maps pseudo-headers and host to the request head', () => {
    for (const read of [readRequestHeader, readFirstRequestHeader]) {
      assert.equal(read(head, ':method'), 'PUT');
      assert.equal(read(head, ':path'), '/x');
      assert.equal(read(head, ':authority'), 'h:1');
      assert.equal(read(head, 'host'), 'h:1');
      assert.equal(read(head, ':scheme'), 'https');
      assert.equal(read(head, ':status'), undefined);
    }
  });
});
