import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RetryPolicy } from '@tandem/api';
import { HeaderMap } from '../http/header-map.ts';
import { CompiledRetryPolicy } from './retry-policy.ts';
import { ConfigPath } from './route-config-error.ts';

function policy(retryOn: string[], extra: Partial<RetryPolicy> = {}): CompiledRetryPolicy {
  return new CompiledRetryPolicy(
    {
      retryOn,
      numRetries: 1,
      perTryTimeoutMs: 0,
      retriableStatusCodes: [],
      retriableHeaders: [],
      retriableRequestHeaders: [],
      backOff: { baseIntervalMs: 25, maxIntervalMs: 250 },
      previousHostsPredicate: false,
      hostSelectionRetryMaxAttempts: 1,
      ...extra,
    },
    new ConfigPath('rc', 'retryPolicy'),
  );
}

const none = new HeaderMap();

describe('CompiledRetryPolicy', () => {
  it('classifies responses per retry_on', () => {
    assert.equal(policy(['5xx']).retriableResponse(500, none), true);
    assert.equal(policy(['5xx']).retriableResponse(404, none), false);
    assert.equal(policy(['gateway-error']).retriableResponse(500, none), false);
    assert.equal(policy(['gateway-error']).retriableResponse(503, none), true);
    assert.equal(policy(['retriable-4xx']).retriableResponse(409, none), true);
    const codes = policy(['retriable-status-codes'], { retriableStatusCodes: [503] });
    assert.equal(codes.retriableResponse(503, none), true);
    assert.equal(codes.retriableResponse(502, none), false);
    const grpc = new HeaderMap(['grpc-status', '14']);
    assert.equal(policy(['unavailable']).retriableResponse(200, grpc), true);
    assert.equal(policy(['cancelled']).retriableResponse(200, grpc), false);
    assert.equal(
      policy(['envoy-ratelimited']).retriableResponse(429, new HeaderMap(['x-envoy-ratelimited', 'true'])),
      true,
    );
    const byHeader = policy(['retriable-headers'], {
      retriableHeaders: [
        {
          name: 'x-retry',
          spec: { kind: 'present', present: true },
          invertMatch: false,
          treatMissingHeaderAsEmpty: false,
        },
      ],
    });
    assert.equal(byHeader.retriableResponse(200, new HeaderMap(['x-retry', '1'])), true);
    assert.equal(byHeader.retriableResponse(200, none), false);
  });

  it('classifies failures: resets, connect failures, refused streams, per-try timeouts', () => {
    assert.equal(policy(['connect-failure']).retriableFailure('connect-failure', false), true);
    assert.equal(policy(['connect-failure']).retriableFailure('remote-reset', true), false);
    assert.equal(policy(['reset']).retriableFailure('remote-reset', true), true);
    assert.equal(policy(['refused-stream']).retriableFailure('refused-stream', true), true);
    assert.equal(policy(['reset-before-request']).retriableFailure('remote-reset', false), true);
    assert.equal(policy(['reset-before-request']).retriableFailure('remote-reset', true), false);
    assert.equal(policy(['5xx']).retriableFailure('per-try-timeout', true), true);
    assert.equal(policy(['connect-failure']).retriableFailure('per-try-timeout', true), false);
    assert.equal(policy(['5xx']).retriableFailure('overflow', false), false);
  });

  it('backs off with full jitter, growing exponentially up to the maximum', () => {
    const p = policy(['5xx']);
    assert.equal(p.backOffMs(1, 0.999), 24);
    assert.equal(p.backOffMs(2, 0.999), 74);
    assert.equal(p.backOffMs(3, 0.999), 174);
    assert.equal(p.backOffMs(4, 0.999), 249);
    assert.equal(p.backOffMs(9, 0.5), 125);
    assert.equal(p.backOffMs(1, 0), 0);
  });

  it('applies only with retries left, a condition, and matching request headers', () => {
    const head = {
      method: 'GET',
      path: '/',
      authority: 'a',
      scheme: 'http',
      headers: none,
      protocol: 'HTTP/1.1' as const,
    };
    assert.equal(policy(['5xx']).appliesTo(head), true);
    assert.equal(policy(['5xx'], { numRetries: 0 }).appliesTo(head), false);
    assert.equal(policy([]).appliesTo(head), false);
  });
});
