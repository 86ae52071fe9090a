import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { duration } from './duration.ts';
import { ignored, optional, repeated, required, unsupported, withDefault } from './fields.ts';
import { message } from './message.ts';
import { uint32 } from './numbers.ts';
import { bool, nonEmptyStr, str } from './scalars.ts';
import { ValidationContext } from './validation-context.ts';

const inner = message({
  name: 'test.v3.Inner',
  fields: { value: withDefault(uint32({ max: 10 }), 1) },
  build: (v) => v.value,
});

const sample = message({
  name: 'test.v3.Sample',
  label: 'sample',
  fields: {
    name: required(nonEmptyStr),
    idle_timeout: withDefault(duration(), 3_600_000),
    accept_http_10: withDefault(bool, false),
    items: repeated(inner),
    prefix: optional(str, { oneof: 'path_specifier' }),
    path: optional(str, { oneof: 'path_specifier' }),
    connect_matcher: unsupported('CONNECT is not routed', { oneof: 'path_specifier' }),
    stats_config: ignored('statistics are always on'),
    retry_policy: unsupported('retries come later', { planned: true }),
  },
  oneofs: { path_specifier: { required: true } },
  build: (v) => v,
});

function run(raw: unknown) {
  const ctx = ValidationContext.root();
  const value = sample.parse(raw, ctx);
  return { value, errors: ctx.errors, warnings: ctx.warnings };
}

describe('message', () => {
  it('fills defaults and builds the value', () => {
    const { value, errors, warnings } = run({ name: 'a', prefix: '/', items: [{}, { value: 3 }] });
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(value, {
      name: 'a',
      idle_timeout: 3_600_000,
      accept_http_10: false,
      items: [1, 3],
      prefix: '/',
      path: undefined,
    });
  });

  it('accepts lowerCamelCase names, including digits after an underscore', () => {
    const { value, errors } = run({ name: 'a', path: '/x', idleTimeout: '2s', acceptHttp10: true });
    assert.deepEqual(errors, []);
    assert.equal(value?.idle_timeout, 2000);
    assert.equal(value?.accept_http_10, true);
  });

  it('rejects a field given in both spellings', () => {
    const { errors } = run({ name: 'a', prefix: '/', idle_timeout: '1s', idleTimeout: '2s' });
    assert.deepEqual(errors, [
      {
        path: 'idle_timeout',
        message: 'sample "a": field given twice, as "idle_timeout" and "idleTimeout"',
        code: ConfigIssueCode.duplicateField,
      },
    ]);
  });

  it('reports unknown fields with a suggestion, in snake_case paths', () => {
    const { errors } = run({ name: 'a', prefix: '/', idle_timout: '1s', bogus: 1 });
    assert.deepEqual(
      errors.map((e) => [e.path, e.message, e.code]),
      [
        [
          'idle_timout',
          'sample "a": unknown field "idle_timout" (did you mean "idle_timeout"?)',
          ConfigIssueCode.unknownField,
        ],
        ['bogus', 'sample "a": unknown field "bogus"', ConfigIssueCode.unknownField],
      ],
    );
  });

  it('tells unsupported fields from ignorable ones', () => {
    const { value, errors, warnings } = run({ name: 'a', prefix: '/', stats_config: {}, retryPolicy: {} });
    assert.equal(value, undefined);
    assert.deepEqual(errors, [
      {
        path: 'retry_policy',
        message: 'sample "a": "retry_policy" is not supported by Tandem yet: retries come later',
        code: ConfigIssueCode.unsupported,
      },
    ]);
    assert.deepEqual(warnings, [
      {
        path: 'stats_config',
        message: 'sample "a": "stats_config" is ignored by Tandem (statistics are always on)',
        code: ConfigIssueCode.ignored,
      },
    ]);
  });

  it('rejects two members of a oneof, and a required oneof with none', () => {
    assert.deepEqual(run({ name: 'a', prefix: '/', path: '/x' }).errors, [
      {
        path: '',
        message: 'sample "a": only one of "prefix" and "path" may be set (oneof path_specifier)',
        code: ConfigIssueCode.oneof,
      },
    ]);
    assert.deepEqual(run({ name: 'a' }).errors, [
      { path: '', message: 'sample "a": one of "prefix" or "path" is required', code: ConfigIssueCode.oneof },
    ]);
  });

  it('counts an unsupported oneof member as set', () => {
    const { errors } = run({ name: 'a', connect_matcher: {} });
    assert.deepEqual(
      errors.map((e) => e.path),
      ['connect_matcher'],
    );
  });

  it('reports missing required fields and wrong types, collecting all errors', () => {
    const { errors } = run({ prefix: 3, items: [{ value: 11 }, 'x'] });
    assert.deepEqual(
      errors.map((e) => [e.path, e.message]),
      [
        ['name', 'missing required field "name"'],
        ['items[0].value', 'must be between 0 and 10, got 11'],
        ['items[1]', 'expected an object (Inner), got a string ("x")'],
        ['prefix', 'expected a string, got a number (3) (quote it in YAML)'],
      ],
    );
  });

  it('treats null as absent', () => {
    const { value, errors } = run({ name: 'a', prefix: '/', idle_timeout: null });
    assert.deepEqual(errors, []);
    assert.equal(value?.idle_timeout, 3_600_000);
  });

  it('does not share default lists between results', () => {
    const first = run({ name: 'a', prefix: '/' }).value!;
    first.items.push(7);
    assert.deepEqual(run({ name: 'a', prefix: '/' }).value?.items, []);
  });
});
