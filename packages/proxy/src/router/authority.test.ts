import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portStart, stripPort } from './authority.ts';

describe('authority', () => {
  it('finds the port of host, IPv4 and bracketed IPv6 authorities', () => {
    assert.equal(portStart('a.com:80'), 5);
    assert.equal(portStart('a.com'), -1);
    assert.equal(portStart('10.0.0.1:8080'), 8);
    assert.equal(portStart('[::1]:443'), 5);
    assert.equal(portStart('[::1]'), -1);
  });

  it('strips the port', () => {
    assert.equal(stripPort('a.com:80'), 'a.com');
    assert.equal(stripPort('[::1]:443'), '[::1]');
    assert.equal(stripPort('a.com'), 'a.com');
  });
});
