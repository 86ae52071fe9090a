import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathMatch } from '@tandem/api';
import { compilePathMatcher } from './path-matcher.ts';
import { compilePathRewrite } from './path-rewrite.ts';
import { RouteConfigError } from './route-config-error.ts';
import { testPath } from './route-fixtures.ts';

function prefixRewrite(m: PathMatch, rewrite: string, path: string, caseSensitive = true): string {
  const matcher = compilePathMatcher(m, caseSensitive, testPath);
  assert.ok(matcher.match(path), `${path} should match`);
  return compilePathRewrite(matcher, rewrite, undefined, testPath)!.rewrite(path);
}

function regexRewrite(pattern: string, substitution: string, path: string): string {
  const matcher = compilePathMatcher({ kind: 'prefix', value: '/' }, true, testPath);
  return compilePathRewrite(matcher, undefined, { pattern, substitution }, testPath)!.rewrite(path);
}

describe('prefix_rewrite', () => {
  const prefix = (value: string): PathMatch => ({ kind: 'prefix', value });

  it('replaces exactly the matched prefix (Envoy: trailing slashes matter)', () => {
    assert.equal(prefixRewrite(prefix('/prefix'), '/', '/prefix/a'), '//a');
    assert.equal(prefixRewrite(prefix('/prefix/'), '/', '/prefix/a'), '/a');
    assert.equal(prefixRewrite(prefix('/prefix'), '/', '/prefix'), '/');
    assert.equal(prefixRewrite(prefix('/prefix'), '/', '/prefixed'), '/ed');
  });

  it('treats an empty prefix_rewrite as none, like an unset proto string', () => {
    const matcher = compilePathMatcher(prefix('/prefix'), true, testPath);
    assert.equal(compilePathRewrite(matcher, '', undefined, testPath), undefined);
  });

  it('keeps the query string', () => {
    assert.equal(prefixRewrite(prefix('/v1/'), '/v2/', '/v1/users?id=3'), '/v2/users?id=3');
  });

  it('replaces the request spelling of a case-insensitive prefix', () => {
    assert.equal(prefixRewrite(prefix('/api/'), '/', '/API/x', false), '/x');
  });

  it('replaces the whole path (not the query) for exact and regex rules', () => {
    assert.equal(prefixRewrite({ kind: 'path', value: '/old' }, '/new', '/old?x=1'), '/new?x=1');
    assert.equal(prefixRewrite({ kind: 'safeRegex', regex: '/a/[0-9]+' }, '/b', '/a/12?q'), '/b?q');
  });

  it('follows a path-separated prefix', () => {
    assert.equal(prefixRewrite({ kind: 'pathSeparatedPrefix', value: '/api' }, '/v2', '/api/x'), '/v2/x');
    assert.equal(prefixRewrite({ kind: 'pathSeparatedPrefix', value: '/api' }, '/v2', '/api'), '/v2');
  });
});

describe('regex_rewrite', () => {
  it('rewrites the path with capture groups and keeps the query', () => {
    assert.equal(
      regexRewrite('^/service/([^/]+)(/.*)$', '\\2/instance/\\1', '/service/foo/v1/api?x=1&y'),
      '/v1/api/instance/foo?x=1&y',
    );
  });

  it('does not see the query', () => {
    assert.equal(regexRewrite('\\?.*', '', '/a?b=c'), '/a?b=c');
    assert.equal(regexRewrite('a', 'b', '/aa?a=a'), '/bb?a=a');
  });

  it('cannot be combined with prefix_rewrite', () => {
    const matcher = compilePathMatcher({ kind: 'prefix', value: '/' }, true, testPath);
    assert.throws(
      () => compilePathRewrite(matcher, '/x', { pattern: 'a', substitution: 'b' }, testPath),
      RouteConfigError,
    );
    assert.equal(compilePathRewrite(matcher, undefined, undefined, testPath), undefined);
  });
});
