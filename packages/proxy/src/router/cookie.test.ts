import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeaderMap } from '../http/header-map.ts';
import { buildSetCookie, readCookie } from './cookie.ts';

describe('readCookie', () => {
  const headers = new HeaderMap(['cookie', 'a=1; session="abc"; broken; b=', 'cookie', 'c=3; a=9']);

  it('finds a cookie in any Cookie header, first occurrence wins', () => {
    assert.equal(readCookie(headers, 'a'), '1');
    assert.equal(readCookie(headers, 'c'), '3');
  });

  it('unquotes values and keeps empty ones', () => {
    assert.equal(readCookie(headers, 'session'), 'abc');
    assert.equal(readCookie(headers, 'b'), '');
  });

  it('skips fields without = and misses absent names', () => {
    assert.equal(readCookie(headers, 'broken'), undefined);
    assert.equal(readCookie(headers, 'sess'), undefined);
    assert.equal(readCookie(new HeaderMap(), 'a'), undefined);
  });
});

describe('buildSetCookie', () => {
  it('formats like Envoy', () => {
    assert.equal(buildSetCookie('s', 'v', '/p', 60), 's="v"; Max-Age=60; Path=/p; HttpOnly');
    assert.equal(buildSetCookie('s', 'v', '', 0), 's="v"; HttpOnly');
  });
});
