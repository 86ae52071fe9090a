import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { duration, formatDurationMs } from './duration.ts';
import { ValidationContext } from './validation-context.ts';

function parse(raw: unknown, options = {}) {
  const ctx = ValidationContext.root();
  const ms = duration(options).parse(raw, ctx);
  return { ms, errors: ctx.errors.map((e) => [e.code, e.message]) };
}

describe('duration', () => {
  it('reads proto3 JSON strings as milliseconds', () => {
    assert.equal(parse('5s').ms, 5000);
    assert.equal(parse('0.250s').ms, 250);
    assert.equal(parse('1.5s').ms, 1500);
    assert.equal(parse('0s').ms, 0);
    assert.equal(parse('0.000000001s').ms, 0.000001);
    assert.equal(parse('3600s').ms, 3_600_000);
  });

  it('reads the {seconds, nanos} object form, with int64 seconds as strings', () => {
    assert.equal(parse({ seconds: 2, nanos: 500_000_000 }).ms, 2500);
    assert.equal(parse({ seconds: '15' }).ms, 15_000);
    assert.equal(parse({ nanos: 1_000_000 }).ms, 1);
  });

  it('explains units that proto3 JSON does not accept', () => {
    assert.deepEqual(parse('100ms').errors, [
      [
        ConfigIssueCode.duration,
        '"100ms" is not a duration like "5s" or "0.250s"; durations are written in seconds, e.g. "0.250s"',
      ],
    ]);
    assert.deepEqual(parse(5).errors, [
      [ConfigIssueCode.duration, 'expected a duration like "5s" or {seconds, nanos}, got a number (5)'],
    ]);
    assert.equal(parse('1.0000000001s').errors.length, 1);
  });

  it('rejects negative durations and enforces bounds', () => {
    assert.deepEqual(parse('-1s').errors, [[ConfigIssueCode.range, 'must not be negative']]);
    assert.deepEqual(parse({ seconds: 1, nanos: -1 }).errors, [
      [ConfigIssueCode.duration, 'seconds and nanos must have the same sign'],
    ]);
    assert.deepEqual(parse('0s', { positive: true }).errors, [
      [ConfigIssueCode.range, 'must be greater than 0s'],
    ]);
    assert.deepEqual(parse('0.0005s', { minMs: 1 }).errors, [
      [ConfigIssueCode.range, 'must be at least 0.001s'],
    ]);
  });

  it('formats milliseconds back as proto3 JSON', () => {
    assert.equal(formatDurationMs(15_000), '15s');
    assert.equal(formatDurationMs(250), '0.25s');
  });
});
