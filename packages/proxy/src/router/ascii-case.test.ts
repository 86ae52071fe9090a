import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asciiLower,
  endsWithIgnoreCase,
  equalsIgnoreCase,
  regionEqualsIgnoreCase,
  startsWithIgnoreCase,
} from './ascii-case.ts';

describe('ascii-case', () => {
  it('lower-cases ASCII letters only, returning the same string when unchanged', () => {
    assert.equal(asciiLower('AbC-Ü'), 'abc-Ü');
    const s = 'already lower';
    assert.equal(asciiLower(s), s);
  });

  it('compares ignoring ASCII case against a lower-case needle', () => {
    assert.equal(equalsIgnoreCase('HeLLo', 'hello'), true);
    assert.equal(equalsIgnoreCase('HeLLo!', 'hello'), false);
    assert.equal(startsWithIgnoreCase('/API/v1', '/api'), true);
    assert.equal(startsWithIgnoreCase('/AP', '/api'), false);
    assert.equal(endsWithIgnoreCase('file.JSON', '.json'), true);
    assert.equal(endsWithIgnoreCase('json', '.json'), false);
    assert.equal(regionEqualsIgnoreCase('xxABxx', 2, 'ab'), true);
    assert.equal(regionEqualsIgnoreCase('xxABxx', 5, 'ab'), false);
    assert.equal(regionEqualsIgnoreCase('[', 0, '{'), false);
  });
});
