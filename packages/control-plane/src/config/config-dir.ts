/**
 * Reads every YAML/JSON file under a directory (recursively) and watches it: any change reloads
 * the whole directory after a short settle time (editors write files in several steps), so the
 * store always reflects the directory as a whole. A reload stats every file and reads only those
 * written since the last read (see ParseMemo), several at a time.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileParse } from './config-store.ts';
import type { ParseMemo } from './parse-memo.ts';

const CONFIG_FILE = /\.(ya?ml|json)$/i;
/** Files stat'ed or read at once: enough to keep libuv's threads busy, few enough to bound memory. */
const CONCURRENT_READS = 16;

/**
 * The parse of every config file under `dir`, in path order, reading only files that changed.
 * `now` is the wall clock file times are compared with (injectable for tests).
 */
export async function readConfigDir(
  dir: string,
  memo: ParseMemo,
  include: (file: string) => boolean = () => true,
  now: () => number = Date.now,
): Promise<{ file: string; parse: FileParse }[]> {
  const files = (await listFiles(dir)).filter(include).sort();
  const parses = new Array<FileParse | undefined>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      parses[index] = await readOne(files[index]!, memo, now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, files.length) }, worker));
  return files.flatMap((file, i) => {
    const parse = parses[i];
    return parse === undefined ? [] : [{ file, parse }];
  });
}

/** One file's parse; undefined when it was removed between listing and reading. */
async function readOne(file: string, memo: ParseMemo, now: () => number): Promise<FileParse | undefined> {
  const statStartedMs = now();
  const stats = await stat(file, { bigint: true }).catch(() => undefined);
  if (stats === undefined) return undefined;
  const unchanged = memo.unchanged(file, stats);
  if (unchanged !== undefined) return unchanged;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : memo.parseRead(file, text, stats, statStartedMs);
}

/**
 * Config files under `dir`. Symbolic links are followed (a Kubernetes ConfigMap volume is made of
 * them, and a directory of links lets files elsewhere be read in place); hidden entries are not.
 */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    const target = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : e;
    if (target === undefined) continue;
    if (target.isDirectory()) out.push(...(await listFiles(p)));
    else if (target.isFile() && CONFIG_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/** Calls `onChange` (at most once per `settleMs`) when anything under `dir` changes. */
export function watchConfigDir(dir: string, onChange: () => void, settleMs = 100): () => void {
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, settleMs);
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, fire);
  watcher.on('error', () => {});
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    watcher.close();
  };
}
