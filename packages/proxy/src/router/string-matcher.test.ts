import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StringMatcher } from '@tandem/api';
import { RouteConfigError } from './route-config-error.ts';
import { testPath } from './route-fixtures.ts';
import { compileStringMatcher } from './string-matcher.ts';

function matches(m: StringMatcher, value: string): boolean {
  return compileStringMatcher(m, testPath).match(value);
}

describe('compileStringMatcher', () => {
  const table: [StringMatcher, string, boolean][] = [
    [{ kind: 'exact', value: 'abc', ignoreCase: false }, 'abc', true],
    [{ kind: 'exact', value: 'abc', ignoreCase: false }, 'ABC', false],
    [{ kind: 'exact', value: 'aBc', ignoreCase: true }, 'AbC', true],
    [{ kind: 'exact', value: 'abc', ignoreCase: true }, 'abcd', false],
    [{ kind: 'exact', value: '', ignoreCase: false }, '', true],
    [{ kind: 'exact', value: '', ignoreCase: false }, 'x', false],
    [{ kind: 'prefix', value: 'ab', ignoreCase: false }, 'abc', true],
    [{ kind: 'prefix', value: 'ab', ignoreCase: false }, 'Abc', false],
    [{ kind: 'prefix', value: 'AB', ignoreCase: true }, 'abc', true],
    [{ kind: 'suffix', value: 'bc', ignoreCase: false }, 'abc', true],
    [{ kind: 'suffix', value: 'BC', ignoreCase: true }, 'abc', true],
    [{ kind: 'suffix', value: 'abcd', ignoreCase: true }, 'bcd', false],
    [{ kind: 'contains', value: 'b', ignoreCase: false }, 'abc', true],
    [{ kind: 'contains', value: 'B', ignoreCase: false }, 'abc', false],
    [{ kind: 'contains', value: 'B', ignoreCase: true }, 'aBc', true],
    [{ kind: 'safeRegex', regex: '[a-c]+', ignoreCase: false }, 'abc', true],
    [{ kind: 'safeRegex', regex: 'b', ignoreCase: false }, 'abc', false],
    [{ kind: 'safeRegex', regex: 'a|abc', ignoreCase: false }, 'abc', true],
    // ignoreCase has no effect on regexes, as in Envoy.
    [{ kind: 'safeRegex', regex: 'abc', ignoreCase: true }, 'ABC', false],
    // Only ASCII letters fold.
    [{ kind: 'exact', value: 'é', ignoreCase: true }, 'É', false],
  ];
  for (const [m, value, expected] of table) {
    it(`${m.kind} ${JSON.stringify(m)} on ${JSON.stringify(value)} -> ${expected}`, () => {
      assert.equal(matches(m, value), expected);
    });
  }

  it('rejects a regex that does not compile, naming the field', () => {
    assert.throws(
      () => compileStringMatcher({ kind: 'safeRegex', regex: 'a(', ignoreCase: false }, testPath.at('m')),
      (e: unknown) => e instanceof RouteConfigError && e.path === 'm.regex',
    );
  });
});
