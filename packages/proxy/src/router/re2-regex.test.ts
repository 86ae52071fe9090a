import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureGroupCount, compileRe2 } from './re2-regex.ts';
import { RouteConfigError } from './route-config-error.ts';
import { testPath } from './route-fixtures.ts';

function full(pattern: string): RegExp {
  return compileRe2(pattern, testPath, { fullMatch: true });
}

describe('compileRe2', () => {
  it('anchors a full match', () => {
    assert.equal(full('/a/[0-9]+').test('/a/12'), true);
    assert.equal(full('/a/[0-9]+').test('/a/12/b'), false);
    assert.equal(full('a|b').test('ab'), false);
  });

  it('translates RE2-only spellings', () => {
    assert.equal(full('(?P<id>[0-9]+)').exec('42')?.groups?.id, '42');
    assert.equal(full('(?i)abc').test('ABC'), true);
    assert.equal(full('\\Aab\\z').test('ab'), true);
    assert.equal(full('\\Qa.b*\\E').test('a.b*'), true);
    assert.equal(full('\\Qa.b*\\E').test('axb'), false);
    assert.equal(full('\\x{41}').test('A'), true);
    assert.equal(full('[[:digit:][:upper:]]+').test('A1Z9'), true);
    assert.equal(full('[[:digit:]]+').test('a'), false);
    assert.equal(full('[]a]+').test(']a'), true);
  });

  it('rejects what RE2 rejects or we cannot express', () => {
    for (const bad of ['(?=a)', '(?!a)', '(?<=a)b', '(a)\\1', '\\pL', 'a(?i)b', '[[:nope:]]', '(', '[a']) {
      assert.throws(() => full(bad), RouteConfigError, bad);
    }
  });

  it('counts capture groups', () => {
    assert.equal(captureGroupCount(full('(a)(?:b)(?P<c>c)')), 2);
    assert.equal(captureGroupCount(full('abc')), 0);
  });
});
