/**
 * Reads every YAML/JSON file under a directory (recursively) and watches it: any change reloads
 * the whole directory after a short settle time (editors write files in several steps), so the
 * store always reflects the directory as a whole. A reload stats every file and reads only those
 * written since the last read (see ParseMemo), several at a time.
 */
import { type Dirent, type FSWatcher, readdirSync, realpathSync, statSync, watch } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
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
async function listFiles(dir: string, visited = new Set<string>()): Promise<string[]> {
  // A directory reached twice (links to a parent, or two links to one place) is read once.
  const real = await realpath(dir).catch(() => dir);
  if (visited.has(real)) return [];
  visited.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    const target = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : e;
    if (target === undefined) continue;
    if (target.isDirectory()) out.push(...(await listFiles(p, visited)));
    else if (target.isFile() && CONFIG_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Calls `onChange` (at most once per `settleMs`) when anything under `dir` changes.
 *
 * One watcher per directory (inotify reports every change of a directory's entries), added and
 * removed as directories come and go. Node 20's `recursive` watch on Linux watches every file and
 * lists a whole directory again on each change in it, which costs more than the reload it triggers
 * in a directory of thousands of files.
 */
export function watchConfigDir(dir: string, onChange: () => void, settleMs = 100): () => void {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = (): void => {
    if (closed) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      watchDirectories();
      onChange();
    }, settleMs);
  };
  const watchDirectories = (): void => {
    const present = new Set(listDirectoriesSync(dir));
    for (const [d, watcher] of watchers)
      if (!present.has(d)) {
        watcher.close();
        watchers.delete(d);
      }
    for (const d of present) {
      if (watchers.has(d)) continue;
      try {
        const watcher = watch(d, fire);
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(d);
          fire();
        });
        watchers.set(d, watcher);
      } catch {
        // removed since it was listed: the next event lists the directories again
      }
    }
  };
  watchDirectories();
  return () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}

/** `dir` and every directory under it that {@link listFiles} would read (links followed, hidden ones not). */
function listDirectoriesSync(dir: string, visited = new Set<string>()): string[] {
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // gone: listed as given, its watch fails and the next event lists again
  }
  if (visited.has(real)) return [];
  visited.add(real);
  const out = [dir];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    const isDirectory = e.isSymbolicLink()
      ? statSync(p, { throwIfNoEntry: false })?.isDirectory()
      : e.isDirectory();
    if (isDirectory) out.push(...listDirectoriesSync(p, visited));
  }
  return out;
}
