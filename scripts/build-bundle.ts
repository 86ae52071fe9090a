/**
 * Builds the production form of the `tandem` command: ESM, `dist/tandem.mjs`, with every workspace
 * package and dependency bundled, runnable by plain `node` (no TypeScript loader, so the sidecar
 * starts faster and idles at about half the memory). Code loaded with a dynamic `import()` (the
 * xDS client with gRPC and the protos) goes to `dist/chunks/`, so a proxy that does not use it
 * never parses it. `npm run build` runs this; the benchmark builds and measures it.
 *
 * Usage: node --import tsx scripts/build-bundle.ts [repo-root]
 */

import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export function buildBundle(root: string, outdir = path.join(root, 'dist')): string {
  rmSync(path.join(outdir, 'chunks'), { recursive: true, force: true });
  buildSync({
    absWorkingDir: root,
    entryPoints: { tandem: path.join(root, 'packages/cli/src/main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __tandemRequire } from 'node:module'; const require = __tandemRequire(import.meta.url);",
    },
  });
  return path.join(outdir, 'tandem.mjs');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  process.stdout.write(`${buildBundle(root)}\n`);
}
