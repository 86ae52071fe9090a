/**
 * Builds the production form of the `tandem` command: one ESM file, `dist/tandem.mjs`, with every
 * workspace package and dependency bundled, runnable by plain `node` (no TypeScript loader, so the
 * sidecar starts faster and idles at about half the memory). `npm run build` runs this; the
 * benchmark builds and measures this file.
 *
 * Usage: node --import tsx scripts/build-bundle.ts [repo-root]
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export function buildBundle(root: string): string {
  const outfile = path.join(root, 'dist', 'tandem.mjs');
  buildSync({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'packages/cli/src/main.ts')],
    outfile,
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
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  process.stdout.write(`${buildBundle(root)}\n`);
}
