import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { SIDECAR_NODE_FLAGS } from '../../packages/cli/src/up/tandem-command.ts';
import { buildBundle } from '../../scripts/build-bundle.ts';
import { freePort } from '../net/free-port.ts';
import { httpGet } from '../net/http-probe.ts';
import { BACKEND_ADDRESSES } from './backend.ts';
import { awaitServer } from './start-server.ts';
import { renderBootstrap, type Telemetry } from './tandem-bootstrap.ts';
import type { RunningTarget, TandemVariant, Target, TargetContext } from './target.ts';

/**
 * Tandem's proxy from the checkout at `root` (`TANDEM_ROOT`) in its production form: the bundle
 * `npm run build` makes (`dist/tandem.mjs`, plain Node, no TypeScript loader), built here before
 * the first run, started as `node <root>/dist/tandem.mjs proxy --config <bootstrap.yaml>`. Ready
 * when its admin `/ready` answers 200 or a request through the listener reaches the backend.
 *
 * Variants: `plain` (metrics on, as always), `accesslog` (Envoy's default format to a file),
 * `tracing` (100% sampling, OTLP/HTTP export to a collector stub in the bench process) and
 * `resilience` (Istio's default retry policy on the route, outlier detection, and a least-request
 * cluster of three endpoints: the backend on three loopback addresses).
 */
export function tandemTarget(root: string, label: string, variant: TandemVariant = 'plain'): Target {
  const source = join(root, 'packages', 'cli', 'src', 'main.ts');
  let cli: string | undefined;
  return {
    name: variant === 'plain' ? 'tandem' : `tandem-${variant}`,
    label,
    isProxy: true,
    unavailableReason: () =>
      existsSync(source) ? undefined : `${source} not found (set TANDEM_ROOT to a Tandem checkout)`,
    start: async (context: TargetContext) => {
      cli ??= buildBundle(root);
      const [adminPort, listenerPort] = [await freePort(), await freePort()];
      const dir = context.cleanup.tempDir('tandem');
      const collector = variant === 'tracing' ? await startCollectorStub() : undefined;
      const telemetry: Telemetry | undefined =
        variant === 'accesslog'
          ? { accessLogPath: join(dir, 'access.log') }
          : collector !== undefined
            ? { otlpPort: collector.port }
            : undefined;
      const config = join(dir, 'bootstrap.yaml');
      const resilience = variant === 'resilience' ? { addresses: BACKEND_ADDRESSES } : undefined;
      writeFileSync(
        config,
        renderBootstrap({ adminPort, listenerPort, backendPort: context.backendPort }, telemetry, resilience),
      );
      const what = `tandem proxy 127.0.0.1:${listenerPort}`;
      const child = context.cleanup.spawn(
        process.execPath,
        [...SIDECAR_NODE_FLAGS, cli, 'proxy', '--config', config],
        {
          name: what,
          cpu: context.proxyCpu,
          cwd: root,
        },
      );
      const extraReady = async (): Promise<boolean> => (await httpGet(adminPort, '/ready')).status === 200;
      let running: RunningTarget;
      try {
        running = await awaitServer({ what, process: child, port: listenerPort, dir, extraReady }, context);
      } catch (err) {
        collector?.close();
        throw err;
      }
      if (collector === undefined) return running;
      return { ...running, stop: () => running.stop().finally(() => collector.close()) };
    },
  };
}

/** Answers every export with 200 and discards it: the proxy's cost is what is measured. */
async function startCollectorStub(): Promise<{ port: number; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
