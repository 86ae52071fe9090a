import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { parseBootstrapText } from './parse-bootstrap-text.ts';
import { parseConfigText } from './parse-config-text.ts';

const INVALID = new URL('../../../test/fixtures/invalid/', import.meta.url);

describe('parseConfigText', () => {
  it('reads YAML and JSON alike', () => {
    assert.deepEqual(parseConfigText('a: [1, "x"]\n', 'c.yaml'), { ok: true, value: { a: [1, 'x'] } });
    assert.deepEqual(parseConfigText('{\n\t"a": {"b": true}\n}\n', 'c.json'), {
      ok: true,
      value: { a: { b: true } },
    });
  });

  it('reports syntax errors with file, line and column', () => {
    assert.deepEqual(parseConfigText('admin:\n  address: 1\n\tport: 2\n', 'boot.yaml'), {
      ok: false,
      errors: [
        {
          path: 'boot.yaml',
          message: 'line 3, column 1: Tabs are not allowed as indentation',
          code: ConfigIssueCode.syntax,
        },
      ],
    });
  });

  it('wants exactly one document with content', () => {
    const multi = parseConfigText('a: 1\n---\nb: 2\n', 'm.yaml');
    assert.deepEqual(multi.ok ? [] : multi.errors.map((e) => e.message), [
      'line 2: expected a single YAML document, found 2',
    ]);
    for (const text of ['', '# only a comment\n', '---\n~\n']) {
      const empty = parseConfigText(text, 'e.yaml');
      assert.deepEqual(empty.ok ? [] : empty.errors.map((e) => e.message), [
        'the file holds no configuration',
      ]);
    }
  });
});

describe('invalid bootstrap fixtures', () => {
  const files = readdirSync(INVALID).filter((name) => name.endsWith('.yaml'));

  it('has fixtures to run', () => {
    assert.ok(files.length >= 4);
  });

  for (const file of files) {
    it(`${file} fails with the message its comment announces`, () => {
      const text = readFileSync(new URL(file, INVALID), 'utf8');
      const expected = /^# expect: (.*)$/m.exec(text)?.[1];
      assert.ok(expected !== undefined, `${file} needs a "# expect: <path>: <message>" line`);
      const result = parseBootstrapText(text, file);
      assert.ok(!result.ok);
      assert.deepEqual(
        result.errors.map((e) => `${e.path}: ${e.message}`),
        [expected],
      );
    });
  }
});
