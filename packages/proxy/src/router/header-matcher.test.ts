import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeaderMatcher, HeaderMatchSpec } from '@tandem/api';
import { CompiledHeaderMatcher } from './header-matcher.ts';
import { requestHead, testPath } from './route-fixtures.ts';

function matcher(
  name: string,
  spec: HeaderMatchSpec,
  opts: Partial<HeaderMatcher> = {},
): CompiledHeaderMatcher {
  return new CompiledHeaderMatcher(
    { name, spec, invertMatch: false, treatMissingHeaderAsEmpty: false, ...opts },
    testPath,
  );
}

const exact = (value: string): HeaderMatchSpec => ({
  kind: 'string',
  matcher: { kind: 'exact', value, ignoreCase: false },
});

describe('CompiledHeaderMatcher', () => {
  const head = requestHead({
    method: 'POST',
    path: '/p?q=1',
    authority: 'svc.local:80',
    scheme: 'https',
    headers: ['x-a', '1', 'x-num', '42', 'x-multi', 'a', 'x-other', 'z', 'x-multi', 'b', 'x-empty', ''],
  });

  it('matches string rules, joining repeated headers with ","', () => {
    assert.equal(matcher('x-a', exact('1')).match(head), true);
    assert.equal(matcher('x-multi', exact('a,b')).match(head), true);
    assert.equal(matcher('x-multi', exact('a')).match(head), false);
    assert.equal(matcher('x-empty', exact('')).match(head), true);
  });

  it('reads pseudo-headers from the request head', () => {
    assert.equal(matcher(':method', exact('POST')).match(head), true);
    assert.equal(matcher(':path', exact('/p?q=1')).match(head), true);
    assert.equal(matcher(':authority', exact('svc.local:80')).match(head), true);
    assert.equal(matcher('host', exact('svc.local:80')).match(head), true);
    assert.equal(matcher(':scheme', exact('https')).match(head), true);
    assert.equal(matcher(':protocol', { kind: 'present', present: true }).match(head), false);
  });

  it('matches presence and absence', () => {
    assert.equal(matcher('x-a', { kind: 'present', present: true }).match(head), true);
    assert.equal(matcher('x-none', { kind: 'present', present: true }).match(head), false);
    assert.equal(matcher('x-none', { kind: 'present', present: false }).match(head), true);
    assert.equal(matcher('x-a', { kind: 'present', present: false }).match(head), false);
  });

  it('matches integer ranges as [start, end)', () => {
    const r = (start: number, end: number) => matcher('x-num', { kind: 'range', start, end }).match(head);
    assert.equal(r(42, 43), true);
    assert.equal(r(0, 42), false);
    assert.equal(r(-100, 100), true);
    const h = (v: string) =>
      matcher('x-v', { kind: 'range', start: -10, end: 10 }).match(requestHead({ headers: ['x-v', v] }));
    assert.equal(h('-1'), true);
    assert.equal(h(' 5 '), true);
    assert.equal(h('+5'), true);
    assert.equal(h('5.0'), false);
    assert.equal(h('abc'), false);
    assert.equal(h(''), false);
    assert.equal(h('99999999999999999999'), false);
  });

  it('inverts the result of a present header', () => {
    assert.equal(matcher('x-a', exact('2'), { invertMatch: true }).match(head), true);
    assert.equal(matcher('x-a', exact('1'), { invertMatch: true }).match(head), false);
    assert.equal(
      matcher('x-num', { kind: 'range', start: 0, end: 10 }, { invertMatch: true }).match(head),
      true,
    );
  });

  it('never matches a string or range rule on an absent header, inverted or not', () => {
    assert.equal(matcher('x-none', exact('1')).match(head), false);
    assert.equal(matcher('x-none', exact('1'), { invertMatch: true }).match(head), false);
    assert.equal(
      matcher('x-none', { kind: 'range', start: 0, end: 9 }, { invertMatch: true }).match(head),
      false,
    );
  });

  it('inverts presence rules on an absent header', () => {
    assert.equal(
      matcher('x-none', { kind: 'present', present: true }, { invertMatch: true }).match(head),
      true,
    );
    assert.equal(
      matcher('x-none', { kind: 'present', present: false }, { invertMatch: true }).match(head),
      false,
    );
  });

  it('treats a missing header as empty when asked', () => {
    const opts = { treatMissingHeaderAsEmpty: true };
    assert.equal(matcher('x-none', exact(''), opts).match(head), true);
    assert.equal(matcher('x-none', exact('1'), opts).match(head), false);
    assert.equal(matcher('x-none', exact('1'), { ...opts, invertMatch: true }).match(head), true);
    const range = { kind: 'range', start: 0, end: 10 } as const;
    assert.equal(matcher('x-none', range, { ...opts, invertMatch: true }).match(head), true);
  });

  it('lower-cases the configured name', () => {
    assert.equal(matcher('X-A', exact('1')).match(head), true);
  });
});
