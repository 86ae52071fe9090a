import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../../scripts/build-bundle.ts';
import { freePort } from '../net/free-port.ts';
import { httpGet } from '../net/http-probe.ts';
import { awaitServer } from './start-server.ts';
import { renderBootstrap } from './tandem-bootstrap.ts';
import type { Target, TargetContext } from './target.ts';

/**
 * Tandem's proxy from the checkout at `root` (`TANDEM_ROOT`) in its production form: the bundle
 * `npm run build` makes (`dist/tandem.mjs`, plain Node, no TypeScript loader), built here before
 * the first run, started as `node <root>/dist/tandem.mjs proxy --config <bootstrap.yaml>`. Ready
 * when its admin `/ready` answers 200 or a request through the listener reaches the backend.
 */
export function tandemTarget(root: string, label: string): Target {
  const source = join(root, 'packages', 'cli', 'src', 'main.ts');
  let cli: string | undefined;
  return {
    name: 'tandem',
    label,
    isProxy: true,
    unavailableReason: () =>
      existsSync(source) ? undefined : `${source} not found (set TANDEM_ROOT to a Tandem checkout)`,
    start: async (context: TargetContext) => {
      cli ??= buildBundle(root);
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
