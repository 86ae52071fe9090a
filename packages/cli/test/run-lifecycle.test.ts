/**
 * `tandem run` against a real control plane (in this process, listening on loopback): a job's
 * exit code is passed on and nothing is left behind, the application starts only once its
 * sidecar is ready (its very first call succeeds), and SIGTERM under steady load loses no
 * request: in-flight requests finish, responses say `Connection: close`, and new connections
 * are refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseIstioFile } from '../../control-plane/src/config/istio-file-parser.ts';
import { ControlPlane } from '../../control-plane/src/control-plane.ts';
import { alive, eventually, spawnTandem, type TandemProcess } from './helpers/tandem-process.ts';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/local');

describe('tandem run: the workload lifecycle', () => {
  let dir: string;
  let cp: ControlPlane;
  let xds: string;
  const started: TandemProcess[] = [];

  const run = (args: string[]): TandemProcess => {
    const p = spawnTandem(['run', '--control-plane', xds, ...args], { cwd: FIXTURES });
    started.push(p);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tandem-run-'));
    cp = new ControlPlane({ configDir: dir, parse: parseIstioFile, log: () => {}, debounceQuietMs: 10 });
    await cp.start();
    xds = `127.0.0.1:${await cp.ads.listen('127.0.0.1:0')}`;
  });

  after(async () => {
    for (const p of started)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exit));
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes on the exit code of a job and leaves no process behind', async () => {
    const pidFile = path.join(dir, 'job.pid');
    const job = run(['--name', 'job', '--', 'sh', '-c', `echo $$ > ${pidFile}; exit 3`]);
    const { code } = await job.exit;
    assert.equal(code, 3, job.output());
    assert.match(job.output(), /application exited with code 3; stopping the sidecar/);
    const appPid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(appPid > 0);
    assert.equal(alive(appPid), false, 'the job process is gone');
    await eventually('the job to leave the control plane', () => cp.connectedProxies().length === 0);
  });

  it('refuses bad flags with the flag and the reason, exit 1', async () => {
    const bad = run(['--name', 'Bad_Name', '--', 'true']);
    assert.equal((await bad.exit).code, 1);
    assert.match(bad.output(), /--name "Bad_Name": must be a DNS label/);
    const port = run(['--name', 'web', '--port', '9080/udp', '--', 'true']);
    assert.equal((await port.exit).code, 1);
    assert.match(port.output(), /--port "9080\/udp": protocol "udp" is not one of http, http2, grpc, tcp/);
  });

  it('exits 2 with the reason when the control plane never answers', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const p = spawnTandem(
      [
        'run',
        '--control-plane',
        `127.0.0.1:${closed}`,
        '--ready-timeout-s',
        '1',
        '--name',
        'lonely',
        '--',
        'true',
      ],
      { cwd: FIXTURES },
    );
    started.push(p);
    assert.equal((await p.exit).code, 2, p.output());
    assert.match(p.output(), /got no config from the control plane at 127\.0\.0\.1:\d+ within 1s/);
  });

  it("starts the application only when its sidecar is ready: the app's first call succeeds", async () => {
    const web = run(['--name', 'web', '--port', '9080:auto', '--', 'node', 'server.mjs']);
    const [, appPort] = (await web.waitFor(/web:9080 -> sidecar :\d+ -> app :(\d+)/)) as unknown as [
      string,
      string,
    ];
    await eventually('the web app to listen', () => canConnect(Number(appPort)));
    const client = run(['--name', 'client', '--', 'node', 'first-call.mjs', 'http://web:9080/hello']);
    const { code } = await client.exit;
    assert.equal(code, 0, client.output());
    assert.match(client.output(), /^200 web \/hello$/m);
    web.child.kill('SIGTERM');
    assert.equal((await web.exit).code, 0, web.output());
  });

  it('drains on SIGTERM under steady load: no request lost, in-flight ones finish, new connections refused', async () => {
    const web = run([
      '--name',
      'web',
      '--port',
      '9080:auto',
      '--drain-time-s',
      '3',
      '--',
      'node',
      'server.mjs',
    ]);
    const m = await web.waitFor(/web:9080 -> sidecar :(\d+) -> app :(\d+)/);
    const endpoint = Number(m[1]);
    await eventually('the web app to listen', () => canConnect(Number(m[2])));
    await eventually('the inbound listener', () => canConnect(endpoint));

    const outcomes: { status: number; connection: string; error: string }[] = [];
    let draining = false;
    const worker = async (): Promise<void> => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (;;) {
          const r = await get(endpoint, '/slow?ms=5', agent);
          outcomes.push(r);
          if (r.error !== '') return;
        }
      } finally {
        agent.destroy();
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    await eventually('steady load', () => outcomes.length >= 100);
    // Requests in flight when the drain starts.
    const inflight = [1, 2].map(() => get(endpoint, '/slow?ms=800', new http.Agent({ keepAlive: true })));
    await eventually(
      'both slow requests at the app',
      () => web.output().split('slow request for 800 ms started').length === 3,
    );
    web.child.kill('SIGTERM');
    await web.waitFor(/SIGTERM: draining inbound connections/);
    draining = true;
    assert.equal(await canConnect(endpoint), false, 'a new connection is refused once the drain started');
    await Promise.all(workers);

    for (const r of await Promise.all(inflight)) {
      assert.equal(r.status, 200, `in-flight request: ${JSON.stringify(r)}`);
      assert.equal(r.connection, 'close');
    }
    const lost = outcomes.filter((o) => o.error !== '' && o.error !== 'ECONNREFUSED');
    assert.deepEqual(lost, [], 'every request that was accepted got its answer');
    assert.ok(outcomes.filter((o) => o.status === 200).length >= 100);
    assert.ok(
      outcomes.some((o) => o.connection === 'close'),
      'responses after the drain say Connection: close',
    );
    assert.ok(
      outcomes.every((o) => o.status === 200 || o.error === 'ECONNREFUSED'),
      JSON.stringify(outcomes.filter((o) => o.status !== 200)),
    );
    assert.ok(draining);
    const { code } = await web.exit;
    assert.equal(code, 0, web.output());
    assert.match(web.output(), /stopping the application \(SIGTERM\)/);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function get(
  port: number,
  urlPath: string,
  agent: http.Agent,
): Promise<{ status: number; connection: string; error: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: String(res.headers.connection ?? ''), error: '' }),
      );
      res.on('error', (e: NodeJS.ErrnoException) =>
        resolve({ status: 0, connection: '', error: e.code ?? e.message }),
      );
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, connection: '', error: e.code ?? e.message }),
    );
  });
}
