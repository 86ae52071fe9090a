import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRe2 } from './re2.ts';

function source(pattern: string): string {
  const result = compileRe2(pattern);
  assert.ok(result.ok, `expected ${pattern} to compile`);
  return `${result.regExp.source}/${result.regExp.flags}`;
}

function reason(pattern: string): string {
  const result = compileRe2(pattern);
  assert.ok(!result.ok, `expected ${pattern} to be rejected`);
  return result.reason;
}

describe('compileRe2', () => {
  it('keeps patterns that mean the same in both dialects', () => {
    assert.equal(source('^/service/([^/]+)(/.*)$'), '^\\/service\\/([^/]+)(\\/.*)$/');
    assert.equal(source('\\d{3}'), '\\d{3}/');
  });

  it('translates RE2-only syntax', () => {
    assert.equal(source('(?i)/xxx/'), '\\/xxx\\//i');
    assert.equal(source('(?P<v>v[0-9]+)'), '(?<v>v[0-9]+)/');
    assert.equal(source('[[:digit:]]+\\z'), '[0-9]+$/');
    assert.equal(source('\\Afoo'), '^foo/');
    assert.equal(source('[]a]'), '[\\]a]/');
  });

  it('rejects what RE2 rejects and what Tandem cannot translate', () => {
    assert.equal(reason('(?=a)'), 'lookahead is not supported by RE2');
    assert.equal(reason('(?<!a)b'), 'lookbehind is not supported by RE2');
    assert.equal(reason('(a)\\1'), 'backreferences are not supported by RE2');
    assert.equal(
      reason('a(?i)b'),
      'inline flags are only supported at the start of the pattern, as in "(?i)..."',
    );
    assert.equal(reason('(?U)a+'), 'inline flag(s) "U" are not supported');
    assert.equal(reason('('), 'Unterminated group');
  });
});
