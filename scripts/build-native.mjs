#!/usr/bin/env node
// Builds the SO_ORIGINAL_DST addon for transparent interception (Linux only). Best effort: without
// a compiler the proxy falls back to reading /proc/net/nf_conntrack, and says so when it starts
// in transparent mode. Runs from `npm install` (postinstall) and `npm run build:native`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'packages/proxy/native/original-dst',
);
if (process.platform !== 'linux') {
  console.log('tandem: SO_ORIGINAL_DST addon skipped (not Linux)');
  process.exit(0);
}
let gyp;
try {
  gyp = createRequire(
    path.join(path.dirname(process.execPath), '..', 'lib/node_modules/npm/package.json'),
  ).resolve('node-gyp/bin/node-gyp.js');
} catch {
  const npmDir = path.dirname(process.env.npm_execpath ?? '');
  const candidate = path.join(npmDir, '..', 'node_modules/node-gyp/bin/node-gyp.js');
  gyp = existsSync(candidate) ? candidate : undefined;
}
if (gyp === undefined) {
  console.log(
    'tandem: node-gyp not found; SO_ORIGINAL_DST addon not built (conntrack fallback will be used)',
  );
  process.exit(0);
}
// Build against the running Node's own headers (no download: this machine has no other network).
const nodeDir = path.resolve(path.dirname(process.execPath), '..');
const args = [gyp, 'rebuild'];
if (existsSync(path.join(nodeDir, 'include/node/node_api.h'))) args.push(`--nodedir=${nodeDir}`);
const r = spawnSync(process.execPath, args, {
  cwd: dir,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
if (r.status === 0) console.log('tandem: built the SO_ORIGINAL_DST addon');
else
  console.log(
    `tandem: SO_ORIGINAL_DST addon not built (conntrack fallback will be used):\n${(r.stderr || r.stdout).split('\n').slice(-5).join('\n')}`,
  );
