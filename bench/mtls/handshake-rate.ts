/**
 * TLS handshakes per second per core for new connections: one Tandem sidecar with a mutual TLS listener
 * (the server side of the mesh hop) pinned to the proxy CPU, a generator opening new mTLS connections from
 * the load CPU. Handshakes are the proxy's own `ssl.handshake` counter; CPU is its schedstat time, so the
 * figure is handshakes per second of the proxy's CPU (per core), independent of how busy the core was.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../../scripts/build-bundle.ts';
import { freePort } from '../net/free-port.ts';
import { httpGet } from '../net/http-probe.ts';
import { cpuDelta, readCpuSample } from '../schedstat.ts';
import { awaitServer } from '../targets/start-server.ts';
import type { TargetContext } from '../targets/target.ts';
import { pairBootstraps } from './pair-bootstraps.ts';
import { createPairPki } from './pair-pki.ts';

export interface HandshakeResult {
  handshakes: number;
  failed: number;
  wallSec: number;
  proxyCpuSec: number;
  /** Handshakes completed per second of wall time. */
  perSec: number;
  /** Handshakes per second of proxy CPU time: the rate one fully used core sustains. */
  perCoreSec: number;
}

const CLIENT = fileURLToPath(new URL('./handshake-client.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function measureHandshakes(
  root: string,
  context: TargetContext,
  loadCpu: number | undefined,
  durationMs: number,
): Promise<HandshakeResult> {
  const cli = buildBundle(root);
  const pki = createPairPki();
  const dir = context.cleanup.tempDir('tandem-handshakes');
  const [admin, listener] = [await freePort(), await freePort()];
  const { server } = pairBootstraps(
    {
      clientAdmin: 0,
      clientListener: 0,
      serverAdmin: admin,
      serverListener: listener,
      backend: context.backendPort,
    },
    pki,
  );
  const file = join(dir, 'server.json');
  writeFileSync(file, JSON.stringify(server));
  const what = `tandem mTLS sidecar 127.0.0.1:${listener}`;
  const child = context.cleanup.spawn(process.execPath, [cli, 'proxy', '--config', file], {
    name: what,
    cpu: context.proxyCpu,
    cwd: root,
  });
  const running = await awaitServer(
    {
      what,
      process: child,
      port: listener,
      dir,
      probe: false,
      extraReady: async () => (await httpGet(admin, '/ready')).status === 200,
    },
    context,
  );
  try {
    const counter = async () => {
      const stats = (await httpGet(admin, '/stats')).body;
      return Number(
        new RegExp(`listener\\.127\\.0\\.0\\.1_${listener}\\.ssl\\.handshake: (\\d+)`).exec(stats)?.[1] ?? 0,
      );
    };
    const before = { handshakes: await counter(), cpu: readCpuSample(running.pids()), at: performance.now() };
    const gen = context.cleanup.spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLIENT,
        '--port',
        String(listener),
        '--ca',
        pki.ca,
        '--cert',
        pki.clientCert,
        '--key',
        pki.clientKey,
        '--duration-ms',
        String(durationMs),
      ],
      { name: 'handshake-client', cpu: loadCpu, captureStdout: true, cwd: REPO_ROOT },
    );
    const status = await gen.exited;
    if (status.code !== 0)
      throw new Error(`handshake client exited with ${status.code}: ${gen.stderrTail()}`);
    const wallSec = (performance.now() - before.at) / 1000;
    const cpu = cpuDelta(before.cpu, readCpuSample(running.pids()));
    const handshakes = (await counter()) - before.handshakes;
    const { failed } = JSON.parse(gen.stdout()) as { failed: number };
    const proxyCpuSec = cpu.onCpuNs / 1e9;
    return {
      handshakes,
      failed,
      wallSec,
      proxyCpuSec,
      perSec: handshakes / wallSec,
      perCoreSec: proxyCpuSec > 0 ? handshakes / proxyCpuSec : 0,
    };
  } finally {
    await running.stop();
    pki.remove();
  }
}
