/**
 * readConfigDir with its ParseMemo on a real directory: path order, hidden entries skipped, files
 * read again only when written since, and never trusted when written in the same clock tick as the
 * read (the racy case), so a same-size rewrite right after a read is still seen.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfigDir, watchConfigDir } from '../../src/config/config-dir.ts';
import type { FileParse } from '../../src/config/config-store.ts';
import { ParseMemo } from '../../src/config/parse-memo.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-config-dir-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function configDir(files: Record<string, string>): string {
  const dir = join(root, String(++dirs));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A parser that records what it parsed; the parse carries the text in a notice to tell versions apart. */
function recordingMemo(): { memo: ParseMemo; parsedTexts: string[] } {
  const parsedTexts: string[] = [];
  const memo = new ParseMemo((text, file): FileParse => {
    parsedTexts.push(text);
    return { objects: [], rejected: [], notices: [{ path: file, message: text, code: 'TEST' }] };
  });
  return { memo, parsedTexts };
}

const textOf = (parse: FileParse): string | undefined => parse.notices[0]?.message;
/** A clock a minute ahead: every file looks written long before the read, so signatures are trusted. */
const aMinuteLater = (): number => Date.now() + 60_000;
/** A clock a second behind: every file looks written in the same tick as the read (racy). */
const aSecondEarlier = (): number => Date.now() - 1000;

describe('readConfigDir', () => {
  it('reads every config file under the directory in path order, skipping hidden entries and other files', async () => {
    const dir = configDir({
      'b.yaml': 'b',
      'a/z.yml': 'z',
      'a/c.json': 'c',
      '.hidden/x.yaml': 'hidden',
      '.x.yaml': 'hidden',
      'notes.txt': 'not config',
    });
    const { memo } = recordingMemo();
    const files = await readConfigDir(dir, memo);
    assert.deepEqual(
      files.map((f) => [f.file.slice(dir.length + 1), textOf(f.parse)]),
      [
        ['a/c.json', 'c'],
        ['a/z.yml', 'z'],
        ['b.yaml', 'b'],
      ],
    );
  });

  it('does not read again a file whose signature is unchanged and was taken well after its last write', async () => {
    const dir = configDir({ 'a.yaml': 'one', 'b.yaml': 'two' });
    const { memo, parsedTexts } = recordingMemo();
    const first = await readConfigDir(dir, memo, undefined, aMinuteLater);
    memo.prune();
    const second = await readConfigDir(dir, memo, undefined, aMinuteLater);
    assert.equal(memo.unread, 2);
    assert.deepEqual(parsedTexts.sort(), ['one', 'two'], 'files are read concurrently: parsed in any order');
    assert.equal(second[0]!.parse, first[0]!.parse, 'the very same parse object');
    writeFileSync(join(dir, 'b.yaml'), 'three!');
    memo.prune();
    const third = await readConfigDir(dir, memo, undefined, aMinuteLater);
    assert.deepEqual(parsedTexts.sort(), ['one', 'three!', 'two']);
    assert.equal(textOf(third[1]!.parse), 'three!');
    assert.equal(third[0]!.parse, first[0]!.parse);
  });

  it('reads again a file written in the same clock tick as its read, and sees a same-size rewrite', async () => {
    const dir = configDir({ 'a.yaml': 'v: 1' });
    const { memo, parsedTexts } = recordingMemo();
    await readConfigDir(dir, memo, undefined, aSecondEarlier);
    memo.prune();
    const again = await readConfigDir(dir, memo, undefined, aSecondEarlier);
    assert.equal(memo.unread, 0, 'a racy signature is not trusted');
    assert.equal(memo.reused, 1, 'the same text is not parsed again');
    assert.equal(textOf(again[0]!.parse), 'v: 1');
    writeFileSync(join(dir, 'a.yaml'), 'v: 2');
    memo.prune();
    const rewritten = await readConfigDir(dir, memo, undefined, aSecondEarlier);
    assert.equal(textOf(rewritten[0]!.parse), 'v: 2');
    assert.deepEqual(parsedTexts, ['v: 1', 'v: 2']);
  });

  it('drops removed files and picks up new ones', async () => {
    const dir = configDir({ 'a.yaml': 'a', 'b.yaml': 'b' });
    const { memo } = recordingMemo();
    await readConfigDir(dir, memo, undefined, aMinuteLater);
    rmSync(join(dir, 'a.yaml'));
    writeFileSync(join(dir, 'c.yaml'), 'c');
    memo.prune();
    const files = await readConfigDir(dir, memo, undefined, aMinuteLater);
    assert.deepEqual(
      files.map((f) => textOf(f.parse)),
      ['b', 'c'],
    );
  });

  it('reads a directory reached through a link to a parent once, without looping', async () => {
    const dir = configDir({ 'a.yaml': 'a', 'sub/b.yaml': 'b' });
    symlinkSync(dir, join(dir, 'sub', 'loop'));
    symlinkSync(join(dir, 'sub'), join(dir, 'again'));
    const { memo } = recordingMemo();
    const files = await readConfigDir(dir, memo);
    assert.deepEqual(
      files.map((f) => textOf(f.parse)),
      ['a', 'b'],
    );
    const stop = watchConfigDir(dir, () => {});
    stop();
  });

  it('reads many files with the results in path order', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`f${String(i).padStart(3, '0')}.yaml`] = `file ${i}`;
    const dir = configDir(files);
    const { memo } = recordingMemo();
    const read = await readConfigDir(dir, memo);
    assert.deepEqual(
      read.map((f) => textOf(f.parse)),
      Array.from({ length: 100 }, (_, i) => `file ${i}`),
    );
  });
});

describe('watchConfigDir', () => {
  /** Starts watching `dir`; `next()` resolves at the next onChange call. */
  function watching(dir: string): { next: () => Promise<void>; stop: () => void } {
    let resolve: (() => void) | undefined;
    const stop = watchConfigDir(dir, () => resolve?.(), 10);
    return {
      next: () => new Promise<void>((r) => (resolve = r)),
      stop,
    };
  }

  it('reports a write in the directory, in a subdirectory, and in a subdirectory made while watching', async () => {
    const dir = configDir({ 'a.yaml': 'a', 'sub/b.yaml': 'b' });
    const watch = watching(dir);
    try {
      let changed = watch.next();
      writeFileSync(join(dir, 'a.yaml'), 'a2');
      await changed;
      changed = watch.next();
      writeFileSync(join(dir, 'sub/b.yaml'), 'b2');
      await changed;
      changed = watch.next();
      mkdirSync(join(dir, 'new'));
      await changed;
      changed = watch.next();
      writeFileSync(join(dir, 'new/c.yaml'), 'c');
      await changed;
      changed = watch.next();
      rmSync(join(dir, 'sub'), { recursive: true });
      await changed;
    } finally {
      watch.stop();
    }
  });
});
