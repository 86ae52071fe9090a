/**
 * `tandem up examples/bookinfo`, as a user runs it: the product page answers through the ingress
 * gateway and the sidecars within 30 s; Istio's `virtual-service-reviews-v3.yaml` (read from the
 * shared testdata, copied into a watched config directory) moves every request to reviews v3
 * without a restart; a sidecar killed with SIGKILL is restarted and recovers while the other
 * workloads keep answering; Ctrl-C (SIGINT) stops everything and leaves no process behind.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { alive, descendants, eventually, spawnTandem, type TandemProcess } from './helpers/tandem-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BOOKINFO = path.join(ROOT, 'examples/bookinfo');
const SAMPLES = path.resolve(ROOT, '../shared/testdata/istio/samples/bookinfo/networking');

describe('tandem up examples/bookinfo', () => {
  let extra: string;
  let state: string;
  let up: TandemProcess;
  let port: number;

  before(() => {
    extra = mkdtempSync(path.join(tmpdir(), 'tandem-up-'));
    state = mkdtempSync(path.join(tmpdir(), 'tandem-up-state-'));
  });

  after(async () => {
    if (up !== undefined && up.child.exitCode === null) {
      up.child.kill('SIGKILL');
      for (const pid of descendants(up.pid)) kill(pid);
      await up.exit;
    }
    rmSync(extra, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });

  it('answers the product page through the ingress gateway within 30 s', async () => {
    const started = Date.now();
    up = spawnTandem([
      'up',
      BOOKINFO,
      '--config-dir',
      extra,
      '--xds-address',
      '127.0.0.1:0',
      '--debug-address',
      '127.0.0.1:0',
      '--ingress-port',
      '8080=0',
      '--drain-time-s',
      '1',
      '--ca-dir',
      path.join(state, 'ca'),
    ]);
    const m = await up.waitFor(
      /open http:\/\/127\.0\.0\.1:(\d+)\/productpage \(answered 200, ([\d.]+)s after start\)/,
      30_000,
    );
    port = Number(m[1]);
    assert.ok(Date.now() - started < 30_000);
    assert.match(up.output(), /all workloads ready in [\d.]+s/);
    assert.match(
      up.output(),
      /reviews-v3-0 +ready +reviews:9080 \(app :\d+\) +http:\/\/127\.0\.0\.1:\d+ +127\.0\.0\.1:\d+ +\d+ MB/,
    );
    const page = await get(port, '/productpage');
    assert.equal(page.status, 200);
    assert.match(page.body, /The Comedy of Errors/);
    assert.match(page.body, /William Shakespeare/, 'details answered');
  });

  it('spreads reviews over v1, v2 and v3 until a VirtualService says otherwise', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) seen.add(reviewsVersion((await get(port, '/productpage')).body));
    assert.deepEqual([...seen].sort(), ['reviews-v1-0', 'reviews-v2-0', 'reviews-v3-0']);
  });

  it("applies Istio's virtual-service-reviews-v3.yaml live: every request goes to v3 (red stars)", async () => {
    copyFileSync(path.join(SAMPLES, 'virtual-service-reviews-v3.yaml'), path.join(extra, 'reviews-v3.yaml'));
    let streak = 0;
    await eventually(
      'ten v3 answers in a row',
      async () => {
        const page = await get(port, '/productpage');
        streak = reviewsVersion(page.body) === 'reviews-v3-0' ? streak + 1 : 0;
        return streak >= 10;
      },
      20_000,
    );
    assert.match((await get(port, '/productpage')).body, /<font class="stars" color="red">/);
  });

  it('runs the CA: every sidecar has its SPIFFE certificate and takes mutual TLS inbound', async () => {
    const admin = Number(/reviews-v3-0 +ready .*? http:\/\/127\.0\.0\.1:(\d+) /.exec(up.output())?.[1]);
    assert.ok(admin > 0, 'the status table shows the reviews-v3-0 sidecar admin port');
    const certs = await get(admin, '/certs');
    assert.match(certs.body, /spiffe:\/\/cluster\.local\/ns\/default\/sa\/bookinfo-reviews/);
    const stats = await get(admin, '/stats?filter=ssl\\.handshake$');
    const handshakes = [...stats.body.matchAll(/ssl\.handshake: (\d+)/g)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    assert.ok(handshakes > 0, `mTLS handshakes on the inbound listener:\n${stats.body}`);
  });

  it('restarts a sidecar killed with SIGKILL; the other workloads keep answering meanwhile', async () => {
    const sidecar = descendants(up.pid).find((pid) => cmdline(pid).includes('--instance\0details-v1-0\0'));
    assert.ok(sidecar !== undefined, 'the details sidecar process');
    const app = descendants(sidecar).find((pid) => cmdline(pid).includes('details.ts'));
    assert.ok(app !== undefined, 'the details application process');
    process.kill(sidecar, 'SIGKILL');
    await up.waitFor(/details-v1-0 exited with code 137; restarting in 1s/);
    await eventually('the orphaned application to die with its sidecar', () => !alive(app));
    // While details is down the page still renders (without details) and reviews still answer.
    const during = await get(port, '/productpage');
    assert.equal(during.status, 200);
    assert.equal(reviewsVersion(during.body), 'reviews-v3-0');
    await eventually(
      'details to answer again',
      async () => /William Shakespeare/.test((await get(port, '/productpage')).body),
      20_000,
    );
    assert.equal(
      descendants(up.pid).filter((pid) => cmdline(pid).includes('--instance\0details-v1-0\0')).length,
      1,
      'one details sidecar',
    );
  });

  it('stops everything on SIGINT and leaves no process behind', async () => {
    const tree = descendants(up.pid);
    assert.ok(tree.length >= 12, `six sidecars and six applications, got ${tree.length}`);
    up.child.kill('SIGINT');
    const { code } = await up.exit;
    assert.equal(code, 0, up.output());
    assert.match(up.output(), /tandem up: stopped/);
    await eventually('every child process to be gone', () => tree.every((pid) => !alive(pid)), 5_000);
  });
});

function reviewsVersion(html: string): string {
  return /id="reviews-pod">([^<]+)</.exec(html)?.[1] ?? 'none';
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}
