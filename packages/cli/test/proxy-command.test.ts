/**
 * `tandem proxy` as a user runs it: every invalid bootstrap fixture exits 1 with its one expected
 * message (path and reason) and no stack trace; the README's example bootstrap runs unchanged and
 * serves curl; `--help` works from the repo root.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { curl, run } from '../../proxy/test/helpers/exec.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'packages/cli/bin/tandem.js');
const INVALID = path.join(ROOT, 'packages/api/test/fixtures/invalid');

describe('tandem proxy --config with invalid bootstraps', () => {
  for (const file of readdirSync(INVALID).filter((f) => f.endsWith('.yaml'))) {
    it(`${file}: exits 1 with one clear message`, async () => {
      const full = path.join(INVALID, file);
      const expected = /^# expect: (.*)$/m.exec(readFileSync(full, 'utf8'))![1]!;
      const r = await run(process.execPath, [BIN, 'proxy', '--config', full], { timeoutMs: 20000 });
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.includes(expected), `stderr lacks "${expected}":\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    });
  }

  it('reports a missing file', async () => {
    const r = await run(process.execPath, [BIN, 'proxy', '--config', '/nonexistent/b.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read \/nonexistent\/b\.yaml: ENOENT/);
  });
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('the README example', () => {
  it('runs examples/proxy/bootstrap.yaml unchanged and serves curl through it', async (t) => {
    // The example is documented with fixed ports (8080 backend, 10000 listener, 9901 admin).
    for (const p of [8080, 9901, 10000]) {
      if (!(await portFree(p))) return t.skip(`port ${p} is in use on this machine`);
    }
    const backend = spawn(process.execPath, [path.join(ROOT, 'examples/proxy/backend.mjs')], {
      stdio: 'ignore',
    });
    const proxy = spawn(
      process.execPath,
      [BIN, 'proxy', '--config', path.join(ROOT, 'examples/proxy/bootstrap.yaml')],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        ready = (await curl(['http://127.0.0.1:9901/ready'])).status === 200;
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, 'proxy never became ready');
      let api = await curl(['http://127.0.0.1:10000/api/users?id=7']);
      for (let i = 0; i < 50 && api.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100)); // the backend may still be starting
        api = await curl(['http://127.0.0.1:10000/api/users?id=7']);
      }
      assert.equal(api.status, 200);
      assert.equal(JSON.parse(api.body).url, '/users?id=7');
      assert.equal(api.headers['x-served-by']?.[0], 'tandem');
      assert.equal((await curl(['http://127.0.0.1:10000/healthz'])).body, 'ok\n');
      assert.equal((await curl(['--http2-prior-knowledge', 'http://127.0.0.1:10000/old/x'])).status, 302);
    } finally {
      proxy.kill('SIGTERM');
      backend.kill('SIGTERM');
    }
  });
});

describe('tandem --help', () => {
  it('lists the proxy command', async () => {
    const r = await run(process.execPath, [BIN, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /proxy \[options\]/);
  });
});
