import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DirectResponseAction } from '@tandem/api';
import { CompiledDirectResponse } from './direct-response.ts';
import { RouteConfigError } from './route-config-error.ts';
import { requestHead, testPath } from './route-fixtures.ts';

function compile(d: Omit<DirectResponseAction, 'kind'>, max = 4096): CompiledDirectResponse {
  return new CompiledDirectResponse({ kind: 'directResponse', ...d }, max, testPath);
}

describe('CompiledDirectResponse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-direct-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an inline string body once, with text/plain', () => {
    const d = compile({ status: 200, body: { kind: 'inlineString', value: 'héllo' } });
    assert.deepEqual(Buffer.from(d.body!), Buffer.from('héllo'));
    assert.equal(d.contentType, 'text/plain');
    assert.equal(d.addsLocation, false);
  });

  it('reads inline bytes, a file and an environment variable', () => {
    assert.deepEqual(
      compile({ status: 503, body: { kind: 'inlineBytes', value: new Uint8Array([1, 2]) } }).body,
      new Uint8Array([1, 2]),
    );
    const file = join(dir, 'body.txt');
    writeFileSync(file, 'from file');
    assert.equal(
      Buffer.from(compile({ status: 200, body: { kind: 'filename', filename: file } }).body!).toString(),
      'from file',
    );
    process.env.TANDEM_TEST_BODY = 'from env';
    assert.equal(
      Buffer.from(
        compile({ status: 200, body: { kind: 'environmentVariable', name: 'TANDEM_TEST_BODY' } }).body!,
      ).toString(),
      'from env',
    );
  });

  it('has no body and no content-type when the body is absent or empty', () => {
    for (const body of [undefined, { kind: 'inlineString', value: '' } as const]) {
      const d = compile({ status: 204, body });
      assert.equal(d.body, undefined);
      assert.equal(d.contentType, undefined);
    }
  });

  it('sends Location (the request URL) for 201 and 3xx', () => {
    for (const status of [201, 301, 302, 399])
      assert.equal(compile({ status, body: undefined }).addsLocation, true);
    for (const status of [200, 204, 400, 404])
      assert.equal(compile({ status, body: undefined }).addsLocation, false);
    const d = compile({ status: 302, body: undefined });
    assert.equal(
      d.buildLocation(requestHead({ authority: 'a.com:81', path: '/x?y' })),
      'http://a.com:81/x?y',
    );
  });

  it('rejects bodies over the limit, unreadable files and bad statuses', () => {
    assert.throws(
      () => compile({ status: 200, body: { kind: 'inlineString', value: 'x'.repeat(11) } }, 10),
      RouteConfigError,
    );
    assert.ok(compile({ status: 200, body: { kind: 'inlineString', value: 'x'.repeat(10) } }, 10));
    assert.throws(
      () => compile({ status: 200, body: { kind: 'filename', filename: join(dir, 'nope') } }),
      RouteConfigError,
    );
    delete process.env.TANDEM_TEST_UNSET;
    assert.throws(
      () => compile({ status: 200, body: { kind: 'environmentVariable', name: 'TANDEM_TEST_UNSET' } }),
      RouteConfigError,
    );
    assert.throws(() => compile({ status: 99, body: undefined }), RouteConfigError);
    assert.throws(() => compile({ status: 600, body: undefined }), RouteConfigError);
  });
});
