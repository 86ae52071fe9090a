import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathMatch } from '@tandem/api';
import { compilePathMatcher, pathEnd } from './path-matcher.ts';
import { RouteConfigError } from './route-config-error.ts';
import { testPath } from './route-fixtures.ts';

function m(p: PathMatch, path: string, caseSensitive = true): boolean {
  return compilePathMatcher(p, caseSensitive, testPath).match(path);
}

describe('compilePathMatcher', () => {
  it('prefix', () => {
    const p: PathMatch = { kind: 'prefix', value: '/api' };
    assert.equal(m(p, '/api'), true);
    assert.equal(m(p, '/api/v1?x=1'), true);
    assert.equal(m(p, '/apiv2'), true);
    assert.equal(m(p, '/ap'), false);
    assert.equal(m(p, '/API'), false);
    assert.equal(m(p, '/API/x', false), true);
    assert.equal(m({ kind: 'prefix', value: '' }, '/anything'), true);
  });

  it('prefix never reaches into the query or fragment', () => {
    assert.equal(m({ kind: 'prefix', value: '/a?b' }, '/a?b'), false);
    assert.equal(m({ kind: 'prefix', value: '/a#' }, '/a#x'), false);
  });

  it('exact path ignores the query and fragment', () => {
    const p: PathMatch = { kind: 'path', value: '/a/b' };
    assert.equal(m(p, '/a/b'), true);
    assert.equal(m(p, '/a/b?x=1'), true);
    assert.equal(m(p, '/a/b#frag'), true);
    assert.equal(m(p, '/a/b/'), false);
    assert.equal(m(p, '/a'), false);
    assert.equal(m(p, '/A/B'), false);
    assert.equal(m(p, '/A/B?Q', false), true);
  });

  it('regex matches the whole path without query, case as written', () => {
    const p: PathMatch = { kind: 'safeRegex', regex: '/users/[0-9]+' };
    assert.equal(m(p, '/users/12'), true);
    assert.equal(m(p, '/users/12?page=2'), true);
    assert.equal(m(p, '/users/12/x'), false);
    assert.equal(m(p, '/USERS/12', false), false);
  });

  it('path-separated prefix needs the end, / or the query after the prefix', () => {
    const p: PathMatch = { kind: 'pathSeparatedPrefix', value: '/api' };
    assert.equal(m(p, '/api'), true);
    assert.equal(m(p, '/api/'), true);
    assert.equal(m(p, '/api/x'), true);
    assert.equal(m(p, '/api?x'), true);
    assert.equal(m(p, '/api#x'), true);
    assert.equal(m(p, '/apix'), false);
    assert.equal(m(p, '/ap'), false);
    assert.equal(m(p, '/API/x', false), true);
  });

  it('rejects invalid path-separated prefixes', () => {
    for (const value of ['/api/', '/a?b', '/a#b', '/']) {
      assert.throws(
        () => compilePathMatcher({ kind: 'pathSeparatedPrefix', value }, true, testPath),
        RouteConfigError,
      );
    }
  });

  it('pathEnd finds the first ? or #', () => {
    assert.equal(pathEnd('/a?b#c'), 2);
    assert.equal(pathEnd('/a#b?c'), 2);
    assert.equal(pathEnd('/abc'), 4);
  });
});
