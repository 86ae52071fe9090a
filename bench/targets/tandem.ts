import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../net/free-port.ts';
import { httpGet } from '../net/http-probe.ts';
import { awaitServer } from './start-server.ts';
import { renderBootstrap } from './tandem-bootstrap.ts';
import type { Target, TargetContext } from './target.ts';

/**
 * Tandem's proxy from the checkout at `root` (`TANDEM_ROOT`), run as
 * `node <root>/packages/cli/bin/tandem.js proxy --config <bootstrap.yaml>`. Ready when its admin
 * `/ready` answers 200 or a request through the listener reaches the backend.
 */
export function tandemTarget(root: string, label: string): Target {
  const cli = join(root, 'packages', 'cli', 'bin', 'tandem.js');
  return {
    name: 'tandem',
    label,
    isProxy: true,
    unavailableReason: () =>
      existsSync(cli) ? undefined : `${cli} not found (set TANDEM_ROOT to a Tandem checkout)`,
    start: async (context: TargetContext) => {
      const [adminPort, listenerPort] = [await freePort(), await freePort()];
      const dir = context.cleanup.tempDir('tandem');
      const config = join(dir, 'bootstrap.yaml');
      writeFileSync(config, renderBootstrap({ adminPort, listenerPort, backendPort: context.backendPort }));
      const what = `tandem proxy 127.0.0.1:${listenerPort}`;
      const child = context.cleanup.spawn(process.execPath, [cli, 'proxy', '--config', config], {
        name: what,
        cpu: context.proxyCpu,
        cwd: root,
      });
      const extraReady = async (): Promise<boolean> => (await httpGet(adminPort, '/ready')).status === 200;
      return awaitServer({ what, process: child, port: listenerPort, dir, extraReady }, context);
    },
  };
}
