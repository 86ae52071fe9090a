import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeaderValueOption } from '@tandem/api';
import { HeaderMap } from '../http/header-map.ts';
import { compileHeaderMutations } from './header-mutations.ts';
import { RouteConfigError } from './route-config-error.ts';
import { formatContext, header, mutations, requestHead, testPath } from './route-fixtures.ts';

function applyRequest(headers: string[], add: HeaderValueOption[], remove: string[] = []): string[] {
  const head = requestHead({ headers });
  const level = compileHeaderMutations(
    mutations({ requestHeadersToAdd: add, requestHeadersToRemove: remove }),
    testPath,
  ).request!;
  level.apply(head.headers, formatContext(head), undefined);
  return head.headers.list;
}

describe('HeaderMutationLevel', () => {
  it('APPEND_IF_EXISTS_OR_ADD appends a field', () => {
    assert.deepEqual(applyRequest(['x', '1'], [header('x', '2')]), ['x', '1', 'x', '2']);
    assert.deepEqual(applyRequest([], [header('x', '2')]), ['x', '2']);
  });

  it('ADD_IF_ABSENT adds only when absent', () => {
    assert.deepEqual(applyRequest(['x', '1'], [header('x', '2', 'ADD_IF_ABSENT')]), ['x', '1']);
    assert.deepEqual(applyRequest([], [header('x', '2', 'ADD_IF_ABSENT')]), ['x', '2']);
  });

  it('OVERWRITE_IF_EXISTS_OR_ADD replaces every field or adds one', () => {
    assert.deepEqual(
      applyRequest(['x', '1', 'y', 'k', 'x', '3'], [header('x', '2', 'OVERWRITE_IF_EXISTS_OR_ADD')]),
      ['x', '2', 'y', 'k'],
    );
    assert.deepEqual(applyRequest([], [header('x', '2', 'OVERWRITE_IF_EXISTS_OR_ADD')]), ['x', '2']);
  });

  it('OVERWRITE_IF_EXISTS replaces only an existing header', () => {
    assert.deepEqual(applyRequest(['x', '1'], [header('x', '2', 'OVERWRITE_IF_EXISTS')]), ['x', '2']);
    assert.deepEqual(applyRequest([], [header('x', '2', 'OVERWRITE_IF_EXISTS')]), []);
  });

  it('skips empty values unless keepEmptyValue', () => {
    assert.deepEqual(applyRequest([], [header('x', '')]), []);
    assert.deepEqual(applyRequest([], [header('x', '%REQ(x-none)%')]), []);
    assert.deepEqual(applyRequest([], [header('x', '', 'APPEND_IF_EXISTS_OR_ADD', true)]), ['x', '']);
  });

  it('removes before adding', () => {
    assert.deepEqual(applyRequest(['x', 'old'], [header('x', 'new')], ['x']), ['x', 'new']);
    assert.deepEqual(applyRequest(['x', 'old'], [header('x', 'new', 'ADD_IF_ABSENT')], ['X']), ['x', 'new']);
  });

  it('tests and formats against the headers as they were before this level wrote', () => {
    // Both entries see x absent: both are added; the REQ value is read before any write.
    assert.deepEqual(
      applyRequest([], [header('x', 'a', 'ADD_IF_ABSENT'), header('x', 'b', 'ADD_IF_ABSENT')]),
      ['x', 'a', 'x', 'b'],
    );
    assert.deepEqual(
      applyRequest(['y', '1'], [header('y', '2', 'OVERWRITE_IF_EXISTS_OR_ADD'), header('z', '%REQ(y)%')]),
      ['y', '2', 'z', '1'],
    );
  });

  it('writes overwrites before appends', () => {
    assert.deepEqual(
      applyRequest(['x', '0'], [header('x', 'a'), header('x', 'b', 'OVERWRITE_IF_EXISTS_OR_ADD')]),
      ['x', 'b', 'x', 'a'],
    );
  });

  it('lower-cases names and rejects pseudo-headers and host', () => {
    assert.deepEqual(applyRequest([], [header('X-Up', 'v')]), ['x-up', 'v']);
    for (const bad of [':path', ':authority', 'Host', '']) {
      assert.throws(() => applyRequest([], [header(bad, 'v')]), RouteConfigError, bad);
      assert.throws(() => applyRequest([], [], [bad]), RouteConfigError, bad);
    }
  });

  it('compiles nothing for an empty half', () => {
    const m = compileHeaderMutations(mutations({ responseHeadersToRemove: ['server'] }), testPath);
    assert.equal(m.request, undefined);
    const resp = new HeaderMap(['server', 'x', 'a', 'b']);
    m.response!.apply(resp, formatContext(requestHead()), resp);
    assert.deepEqual(resp.list, ['a', 'b']);
  });
});
