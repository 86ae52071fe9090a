import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { R, routeErrors, routeOf, toBackend } from '../testing/route-harness.ts';

describe('Header mutations', () => {
  it('maps the deprecated append flag onto append_action and lower-cases names', () => {
    const route = routeOf({
      match: { prefix: '/' },
      route: toBackend,
      request_headers_to_add: [
        { header: { key: 'X-A', value: '1' }, append: false },
        { header: { key: 'x-b', value: '2' }, append_action: 'ADD_IF_ABSENT', keep_empty_value: true },
        { header: { key: 'x-c', value: '3' } },
      ],
      response_headers_to_remove: ['Server'],
    });
    assert.deepEqual(route.headers, {
      requestHeadersToAdd: [
        { key: 'x-a', value: '1', appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD', keepEmptyValue: false },
        { key: 'x-b', value: '2', appendAction: 'ADD_IF_ABSENT', keepEmptyValue: true },
        { key: 'x-c', value: '3', appendAction: 'APPEND_IF_EXISTS_OR_ADD', keepEmptyValue: false },
      ],
      requestHeadersToRemove: [],
      responseHeadersToAdd: [],
      responseHeadersToRemove: ['server'],
    });
  });

  it('refuses pseudo-headers and host, and append together with append_action', () => {
    const result = routeErrors({
      match: { prefix: '/' },
      route: toBackend,
      request_headers_to_add: [
        { header: { key: 'Host', value: 'x' } },
        { header: { key: 'x', value: 'y' }, append: true, append_action: 'ADD_IF_ABSENT' },
      ],
      response_headers_to_remove: [':status'],
    });
    assert.deepEqual(result, [
      [
        `${R}.request_headers_to_add[0].header.key`,
        'route configuration "rc", virtual host "vh": "host" may not be modified: pseudo-headers and host are off limits (use host_rewrite_* to change the host)',
      ],
      [
        `${R}.request_headers_to_add[1]`,
        'route configuration "rc", virtual host "vh": "append" and "append_action" are both set; use only append_action',
      ],
      [
        `${R}.response_headers_to_remove[0]`,
        'route configuration "rc", virtual host "vh": ":status" may not be removed: pseudo-headers and host are off limits',
      ],
    ]);
  });
});
