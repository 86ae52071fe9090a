/**
 * Reads every YAML/JSON file under a directory (recursively) and watches it: any change reloads
 * the whole directory after a short settle time (editors write files in several steps), so the
 * store always reflects the directory as a whole.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileParse, FileParser } from './config-store.ts';

const CONFIG_FILE = /\.(ya?ml|json)$/i;

export async function readConfigDir(
  dir: string,
  parse: FileParser,
  include: (file: string) => boolean = () => true,
): Promise<{ file: string; parse: FileParse }[]> {
  const files = (await listFiles(dir)).filter(include).sort();
  const out: { file: string; parse: FileParse }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // removed between listing and reading
    }
    out.push({ file, parse: parse(text, file) });
  }
  return out;
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
