import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRegexRewrite } from './regex-rewrite.ts';
import { RouteConfigError } from './route-config-error.ts';
import { testPath } from './route-fixtures.ts';

function rewrite(pattern: string, substitution: string, input: string): string {
  return compileRegexRewrite(pattern, substitution, testPath).apply(input);
}

describe('compileRegexRewrite', () => {
  it('substitutes RE2-style groups', () => {
    assert.equal(
      rewrite('^/service/([^/]+)(/.*)$', '\\2/instance/\\1', '/service/foo/v1/api'),
      '/v1/api/instance/foo',
    );
    assert.equal(rewrite('o', '[\\0]', 'foo'), 'f[o][o]');
  });

  it('replaces every non-overlapping match', () => {
    assert.equal(rewrite('aa', 'b', 'aaaaa'), 'bba');
    assert.equal(rewrite('/+', '/', '//a///b'), '/a/b');
  });

  it('keeps $ and backslashes literal', () => {
    assert.equal(rewrite('x', '$1$&', 'axb'), 'a$1$&b');
    assert.equal(rewrite('(x)', '\\\\\\1$', 'axb'), 'a\\x$b');
  });

  it('reads a group followed by a digit as that group and the digit', () => {
    assert.equal(rewrite('(a)', '\\10', 'a'), 'a0');
  });

  it('substitutes an unmatched optional group with nothing', () => {
    assert.equal(rewrite('a(b)?', '[\\1]', 'a'), '[]');
  });

  it('rejects groups the pattern lacks and bad escapes', () => {
    assert.throws(() => rewrite('(a)', '\\2', 'a'), RouteConfigError);
    assert.throws(() => rewrite('a', '\\n', 'a'), RouteConfigError);
    assert.throws(() => rewrite('a', 'x\\', 'a'), RouteConfigError);
  });
});
