import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGrpcRequest, parseGrpcTimeout } from './grpc-timeout.ts';
import { shadowAuthority } from './mirror-policy.ts';

describe('grpc-timeout', () => {
  it('reads every unit and rejects malformed values', () => {
    assert.equal(parseGrpcTimeout('1H'), 3_600_000);
    assert.equal(parseGrpcTimeout('2M'), 120_000);
    assert.equal(parseGrpcTimeout('3S'), 3000);
    assert.equal(parseGrpcTimeout('250m'), 250);
    assert.equal(parseGrpcTimeout('1500u'), 2);
    assert.equal(parseGrpcTimeout('5n'), 1);
    assert.equal(parseGrpcTimeout('0m'), 0);
    for (const bad of [undefined, '', 'S', '10', '10s', '123456789S', '-1S'])
      assert.equal(parseGrpcTimeout(bad), undefined);
    assert.equal(isGrpcRequest('application/grpc+proto'), true);
    assert.equal(isGrpcRequest('application/json'), false);
  });
});

describe('shadowAuthority', () => {
  it('puts -shadow after the host name, before any port', () => {
    assert.equal(shadowAuthority('reviews'), 'reviews-shadow');
    assert.equal(shadowAuthority('reviews:9080'), 'reviews-shadow:9080');
    assert.equal(shadowAuthority('[::1]:80'), '[::1]-shadow:80');
    assert.equal(shadowAuthority('[::1]'), '[::1]-shadow');
  });
});
