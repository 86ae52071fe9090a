/** The config files under the paths given on the command line: files as given, folders walked recursively. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const CONFIG_FILE = /\.(ya?ml|json)$/i;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return walk(full);
        return Promise.resolve(e.isFile() && CONFIG_FILE.test(e.name) ? [full] : []);
      }),
  );
  return nested.flat();
}

/** Files for `paths` in a stable order; throws (with the path in the message) when one cannot be read. */
export async function collectConfigFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(p);
    } catch (err) {
      throw new Error(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    files.push(...(info.isDirectory() ? await walk(p) : [p]));
  }
  return [...new Set(files)];
}
