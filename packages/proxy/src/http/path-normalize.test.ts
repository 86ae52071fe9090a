import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeRequestPath } from './path-normalize.ts';

const both = { normalize: true, mergeSlashes: true };

describe('normalizeRequestPath', () => {
  it('removes dot segments as RFC 3986 does', () => {
    const cases: [string, string][] = [
      ['/a/b/../c', '/a/c'],
      ['/a/./b', '/a/b'],
      ['/../../etc/passwd', '/etc/passwd'],
      ['/a/b/..', '/a/'],
      ['/a/.', '/a/'],
      ['/a/..b/c', '/a/..b/c'],
      ['/plain/path', '/plain/path'],
    ];
    for (const [input, out] of cases)
      assert.equal(normalizeRequestPath(input, { normalize: true, mergeSlashes: false }), out, input);
  });

  it('decodes unreserved escapes (so %2e%2e is a dot segment) and upper-cases the others', () => {
    assert.equal(normalizeRequestPath('/%61dmin/%2e%2e/x', both), '/x');
    assert.equal(normalizeRequestPath('/a%2fb%3a', both), '/a%2Fb%3A');
    assert.equal(normalizeRequestPath('/a%zz', both), undefined);
  });

  it('treats backslashes as slashes, merges slashes, and keeps the query untouched', () => {
    assert.equal(normalizeRequestPath('/a\\..\\b', both), '/b');
    assert.equal(normalizeRequestPath('//a///b?x=//y/../z', both), '/a/b?x=//y/../z');
    assert.equal(normalizeRequestPath('//a//b', { normalize: false, mergeSlashes: true }), '/a/b');
    assert.equal(normalizeRequestPath('/a/../b', { normalize: false, mergeSlashes: true }), '/a/../b');
  });

  it('leaves non-path targets alone', () => {
    assert.equal(normalizeRequestPath('*', both), '*');
  });
});
