import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIDECAR_NODE_FLAGS } from '../../packages/cli/src/up/tandem-command.ts';
import { buildBundle } from '../../scripts/build-bundle.ts';
import { pairBootstraps } from '../mtls/pair-bootstraps.ts';
import { createPairPki } from '../mtls/pair-pki.ts';
import { freePort } from '../net/free-port.ts';
import { httpGet } from '../net/http-probe.ts';
import { awaitServer } from './start-server.ts';
import type { Target, TargetContext } from './target.ts';

/**
 * Two Tandem sidecars in a row (client sidecar -> server sidecar -> backend), both pinned to the proxy CPU,
 * both charged for CPU and memory: plaintext between them (`tandem-pair`) or mutual TLS (`tandem-mtls`).
 * Load goes to the client sidecar over plaintext keep-alive, as an app talks to its sidecar.
 */
export function tandemPairTarget(root: string, label: string, mtls: boolean): Target {
  const source = join(root, 'packages', 'cli', 'src', 'main.ts');
  let cli: string | undefined;
  return {
    name: mtls ? 'tandem-mtls' : 'tandem-pair',
    label: `${label} ${mtls ? 'x2, mTLS hop' : 'x2, plaintext hop'}`,
    isProxy: true,
    unavailableReason: () => (existsSync(source) ? undefined : `${source} not found (set TANDEM_ROOT)`),
    start: async (context: TargetContext) => {
      cli ??= buildBundle(root);
      const dir = context.cleanup.tempDir('tandem-pair');
      const pki = mtls ? createPairPki() : undefined;
      const ports = {
        clientAdmin: await freePort(),
        clientListener: await freePort(),
        serverAdmin: await freePort(),
        serverListener: await freePort(),
        backend: context.backendPort,
      };
      const configs = pairBootstraps(ports, pki);
      const launch = async (which: 'client' | 'server', port: number, admin: number) => {
        const file = join(dir, `${which}.json`);
        writeFileSync(file, JSON.stringify(configs[which]));
        const what = `tandem ${which} sidecar 127.0.0.1:${port}`;
        const child = context.cleanup.spawn(
          process.execPath,
          [...SIDECAR_NODE_FLAGS, cli!, 'proxy', '--config', file],
          {
            name: what,
            cpu: context.proxyCpu,
            cwd: root,
          },
        );
        const extraReady = async (): Promise<boolean> => (await httpGet(admin, '/ready')).status === 200;
        return { child, extraReady, what, port };
      };
      const server = await launch('server', ports.serverListener, ports.serverAdmin);
      const serverRunning = await awaitServer(
        {
          what: server.what,
          process: server.child,
          port: ports.serverListener,
          dir,
          extraReady: server.extraReady,
          probe: !mtls,
        },
        context,
      );
      const client = await launch('client', ports.clientListener, ports.clientAdmin);
      const clientRunning = await awaitServer(
        {
          what: client.what,
          process: client.child,
          port: ports.clientListener,
          dir,
          extraReady: client.extraReady,
        },
        context,
      );
      return {
        port: ports.clientListener,
        pids: () => [...clientRunning.pids(), ...serverRunning.pids()],
        stop: async () => {
          await clientRunning.stop();
          await serverRunning.stop();
          pki?.remove();
        },
      };
    },
  };
}
