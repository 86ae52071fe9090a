import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashBytes, hashString } from './hash.ts';

describe('hashString (MurmurHash3 x86_32)', () => {
  it('matches the reference test vectors', () => {
    const vectors: [string, number, number][] = [
      ['', 0, 0],
      ['', 1, 0x514e28b7],
      ['', 0xffffffff, 0x81f16f39],
      ['\0\0\0\0', 0, 0x2362f9de],
      ['aaaa', 0x9747b28c, 0x5a97808a],
      ['abc', 0, 0xb3dd93fa],
      ['test', 0, 0xba6bd213],
      ['Hello, world!', 0x9747b28c, 0x24884cba],
      ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ];
    for (const [input, seed, want] of vectors) {
      assert.equal(hashString(input, seed), want, JSON.stringify(input));
    }
  });

  it('hashes the UTF-8 bytes, as TextEncoder would encode them', () => {
    const encoder = new TextEncoder();
    for (const s of ['héllo', '日本語', 'emoji 😀!', 'lone \ud800 surrogate', 'x'.repeat(1000)]) {
      assert.equal(hashString(s), hashBytes(encoder.encode(s)), s);
    }
  });

  it('returns unsigned 32-bit integers and depends on the seed', () => {
    for (let i = 0; i < 200; i++) {
      const h = hashString(`key-${i}`);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
    }
    assert.notEqual(hashString('key', 1), hashString('key', 2));
  });

  it('spreads sequential keys evenly over the 32-bit space', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 16000; i++) buckets[hashString(`10.0.0.1:80_${i}`) >>> 28]++;
    for (const b of buckets) assert.ok(b > 850 && b < 1150, `bucket ${b}`);
  });
});
