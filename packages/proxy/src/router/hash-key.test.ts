import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FNV_OFFSET_BASIS, fnv1a32Update, hashString } from './hash-key.ts';

describe('hashString (FNV-1a 32)', () => {
  it('matches the published test vectors', () => {
    assert.equal(hashString(''), 0x811c9dc5);
    assert.equal(hashString('a'), 0xe40c292c);
    assert.equal(hashString('foobar'), 0xbf9cf968);
  });

  it('hashes latin1 code units as bytes and others as UTF-8', () => {
    assert.equal(hashString('\xe9'), fnv1a32Update(FNV_OFFSET_BASIS, '\xe9'));
    assert.notEqual(hashString('\xe9'), hashString('\xc3\xa9'));
    assert.equal(hashString('\u20ac'), hashString('\xe2\x82\xac'));
    assert.equal(hashString('\u{1f600}'), hashString('\xf0\x9f\x98\x80'));
  });

  it('continues a hash across pieces like hashing their concatenation', () => {
    assert.equal(fnv1a32Update(hashString('foo'), 'bar'), hashString('foobar'));
  });

  it('returns unsigned 32-bit integers', () => {
    for (const s of ['x', 'yy', 'a long header value']) {
      const h = hashString(s);
      assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
    }
  });
});
