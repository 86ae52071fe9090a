import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { listOf, mapOf } from './collections.ts';
import { enumOf } from './enum.ts';
import { double, port, uint32, uint64 } from './numbers.ts';
import { bool, bytes, nonEmptyStr, struct } from './scalars.ts';
import type { Schema } from './schema.ts';
import { ValidationContext } from './validation-context.ts';
import { wrapper } from './wrappers.ts';

function parse<T>(schema: Schema<T>, raw: unknown) {
  const ctx = ValidationContext.root().field('f');
  const value = schema.parse(raw, ctx);
  return { value, errors: ctx.errors.map((e) => `${e.path}: ${e.message} [${e.code}]`) };
}

describe('scalars', () => {
  it('checks integer types and ranges; accepts decimal strings as proto3 JSON does', () => {
    assert.equal(parse(port, 8080).value, 8080);
    assert.equal(parse(port, '8080').value, 8080);
    assert.deepEqual(parse(port, 65536).errors, [
      `f: must be between 0 and 65535, got 65536 [${ConfigIssueCode.range}]`,
    ]);
    assert.deepEqual(parse(uint32(), -1).errors, [
      `f: must be at least 0, got -1 [${ConfigIssueCode.range}]`,
    ]);
    assert.deepEqual(parse(uint32(), 1.5).errors, [
      `f: expected an integer (uint32), got a number (1.5) [${ConfigIssueCode.type}]`,
    ]);
    assert.deepEqual(parse(uint32({ min: 1, max: 8192, why: "Envoy's limit" }), 9000).errors, [
      `f: must be between 1 and 8192 (Envoy's limit), got 9000 [${ConfigIssueCode.range}]`,
    ]);
    assert.equal(parse(uint64(), '8388608').value, 8_388_608);
    assert.deepEqual(parse(double({ min: 0, max: 100 }), 101).errors, [
      `f: must be between 0 and 100, got 101 [${ConfigIssueCode.range}]`,
    ]);
  });

  it('accepts wrappers as a plain value or {value}', () => {
    const u32 = wrapper('UInt32Value', uint32());
    assert.equal(parse(u32, 7).value, 7);
    assert.equal(parse(u32, { value: 7 }).value, 7);
    assert.deepEqual(parse(u32, { value: 'x' }).errors, [
      `f.value: expected an integer (uint32), got a string ("x") [${ConfigIssueCode.type}]`,
    ]);
    assert.equal(parse(wrapper('BoolValue', bool), { value: false }).value, false);
  });

  it('accepts enums by name or number, and rejects unsupported values distinctly', () => {
    const codec = enumOf('CodecType', { AUTO: 0, HTTP1: 1, HTTP2: 2, HTTP3: 3 }, ['AUTO', 'HTTP1', 'HTTP2']);
    assert.equal(parse(codec, 'HTTP2').value, 'HTTP2');
    assert.equal(parse(codec, 1).value, 'HTTP1');
    assert.deepEqual(parse(codec, 'HTTP4').errors, [
      `f: "HTTP4" is not a CodecType value; expected "AUTO", "HTTP1", "HTTP2" or "HTTP3" [${ConfigIssueCode.enumValue}]`,
    ]);
    assert.deepEqual(parse(codec, 3).errors, [
      `f: CodecType HTTP3 is not supported by Tandem; supported: "AUTO", "HTTP1" or "HTTP2" [${ConfigIssueCode.unsupported}]`,
    ]);
  });

  it('decodes base64 bytes and rejects bad base64', () => {
    assert.deepEqual([...(parse(bytes, 'aGk=').value ?? [])], [104, 105]);
    assert.deepEqual([...(parse(bytes, 'aGk').value ?? [])], [104, 105]);
    assert.deepEqual(parse(bytes, 'a$b').errors, [`f: is not valid base64 [${ConfigIssueCode.invalid}]`]);
  });

  it('checks strings, Structs, lists and maps', () => {
    assert.deepEqual(parse(nonEmptyStr, '').errors, [`f: must not be empty [${ConfigIssueCode.range}]`]);
    assert.deepEqual(parse(struct, { a: [1, { b: 2 }] }).value, { a: [1, { b: 2 }] });
    assert.deepEqual(parse(listOf(port, { minItems: 1 }), []).errors, [
      `f: needs at least 1 element(s), got 0 [${ConfigIssueCode.range}]`,
    ]);
    assert.deepEqual(parse(mapOf(port), { a: 1, b: 'x' }).errors, [
      `f["b"]: expected an integer (uint32), got a string ("x") [${ConfigIssueCode.type}]`,
    ]);
  });
});
