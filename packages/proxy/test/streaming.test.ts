/**
 * Streaming with backpressure: a 1 GiB upload and a 1 GiB download pass through the proxy (run as
 * its own process) with curl, while the proxy's resident memory stays within 64 MB of where it
 * started.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootstrap, hcm, listener, routeConfig, staticCluster } from './helpers/bootstrap.ts';
import { run } from './helpers/exec.ts';
import { type ProxyProcess, spawnProxy } from './helpers/proxy-process.ts';

const GIB = 1024 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 120);

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Streams `/download` (1 GiB, honouring backpressure) and counts `/upload` bytes. */
function startStreamBackend(): Promise<{ server: http.Server; port: number; uploaded: () => number }> {
  let uploaded = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/download') {
      res.writeHead(200, { 'content-length': String(GIB), 'content-type': 'application/octet-stream' });
      let sent = 0;
      const pump = (): void => {
        while (sent < GIB) {
          sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    req.on('data', (d: Buffer) => (uploaded += d.length));
    req.on('end', () => res.end(`got ${uploaded}\n`));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port, uploaded: () => uploaded }),
    ),
  );
}

describe('1 GiB streams through the proxy with flat memory', () => {
  let backend: Awaited<ReturnType<typeof startStreamBackend>>;
  let proxy: ProxyProcess;
  let dir: string;
  let baseline = 0;
  let peak = 0;
  let sampler: NodeJS.Timeout;

  before(async () => {
    backend = await startStreamBackend();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-stream-'));
    const rc = routeConfig([{ match: { prefix: '/' }, route: { cluster: 'b', timeout: '0s' } }]);
    const file = path.join(dir, 'bootstrap.json');
    writeFileSync(
      file,
      JSON.stringify(
        bootstrap([listener('l', [{ filters: [hcm(rc)] }])], [staticCluster('b', [backend.port])]),
      ),
    );
    proxy = await spawnProxy(file);
    // Warm up (code paths compiled, pools created) before taking the baseline.
    await run('curl', ['-sS', '-o', '/dev/null', `http://127.0.0.1:${proxy.ports.get('l')}/warm`]);
    baseline = rssBytes(proxy.pid);
    sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(proxy.pid));
    }, 50);
  });

  after(async () => {
    clearInterval(sampler);
    await proxy?.stop();
    backend?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads 1 GiB (chunked, from curl -T -)', async () => {
    const url = `http://127.0.0.1:${proxy.ports.get('l')}/upload`;
    const r = await run('sh', ['-c', `head -c ${GIB} /dev/zero | curl -sS --max-time 120 -T - ${url}`], {
      timeoutMs: 130000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `got ${GIB}`);
    assert.equal(backend.uploaded(), GIB);
  });

  it('downloads 1 GiB', async () => {
    const url = `http://127.0.0.1:${proxy.ports.get('l')}/download`;
    const r = await run(
      'curl',
      ['-sS', '--max-time', '120', '-o', '/dev/null', '-w', '%{size_download}', url],
      { timeoutMs: 130000 },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Number(r.stdout), GIB);
  });

  it('kept RSS growth under 64 MB', () => {
    peak = Math.max(peak, rssBytes(proxy.pid));
    const growthMb = (peak - baseline) / (1024 * 1024);
    assert.ok(
      growthMb < 64,
      `RSS grew by ${growthMb.toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(1)} MB)`,
    );
  });
});
