/**
 * How `tandem up` starts more `tandem` processes (one `tandem run` per workload instance). The
 * bundled build (dist/tandem.mjs, made by `npm install` / `npm run build`) starts in a fraction of
 * the time and memory of the TypeScript sources, so it is used when it is at least as new as
 * every source file; otherwise the sources run, as they do for this process.
 *
 * Sidecars of the local mesh run with a small young generation (`--max-semi-space-size=1`, MB): an
 * idle sidecar keeps about 10 MB less resident memory. It costs CPU under load (a few percent per
 * request on plain routing, about 20% with 100% tracing: more scavenges), which suits a mesh on a
 * laptop, where sidecars mostly idle; the proxy image and the benchmark keep Node's default. They also
 * get `--expose-gc`, so that once ready they collect and compact what start-up left dead (see
 * local/compact-heap.ts: about 8 MB of resident memory an idle sidecar would otherwise keep); no code
 * but Tandem's runs in a sidecar's process.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SIDECAR_NODE_FLAGS = ['--max-semi-space-size=1', '--expose-gc'];

export function tandemCommand(): string[] {
  const [node, ...script] = tandemScript();
  return [node!, ...SIDECAR_NODE_FLAGS, ...script];
}

function tandemScript(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (path.basename(here) === 'tandem.mjs') return [process.execPath, here];
  // Bundled code shared by several entry points lands in dist/chunks/, beside dist/tandem.mjs.
  const entry = path.join(path.dirname(here), '..', 'tandem.mjs');
  if (path.basename(path.dirname(here)) === 'chunks' && existsSync(entry))
    return [process.execPath, path.resolve(entry)];
  const root = path.resolve(path.dirname(here), '../../../..');
  const bundle = path.join(root, 'dist', 'tandem.mjs');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(path.join(root, 'packages')))
    return [process.execPath, bundle];
  return [process.execPath, path.join(root, 'packages', 'cli', 'bin', 'tandem.js')];
}

/** The newest modification time of any file under packages/<name>/src and their package.json. */
function newestSource(packages: string): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const pkg of readdirSync(packages)) {
    const src = path.join(packages, pkg, 'src');
    if (existsSync(src)) walk(src);
    const manifest = path.join(packages, pkg, 'package.json');
    if (existsSync(manifest)) newest = Math.max(newest, statSync(manifest).mtimeMs);
  }
  return newest;
}
