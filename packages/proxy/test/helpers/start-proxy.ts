/**
 * Starts Tandem's proxy in-process from a raw bootstrap, through the same validation as the CLI,
 * and stops it by the returned handle.
 */
import { formatConfigIssue, validateBootstrap } from '@tandem/api';
import { ProxyServer } from '../../src/proxy-server.ts';

export interface RunningProxy {
  server: ProxyServer;
  port(listener?: string): number;
  adminPort: number;
  stop(): Promise<void>;
}

export async function startProxy(raw: Record<string, unknown>): Promise<RunningProxy> {
  const result = validateBootstrap(raw);
  if (!result.ok)
    throw new Error(`invalid test bootstrap:\n${result.errors.map(formatConfigIssue).join('\n')}`);
  const log = process.env.TANDEM_TEST_LOG ? (l: string) => console.log(l) : () => {};
  const server = new ProxyServer({ bootstrap: result.bootstrap, raw, log, drainTimeMs: 1000 });
  await server.start();
  const first = server.listeners()[0]?.name ?? '';
  return {
    server,
    port: (name = first) => server.listenerPort(name),
    adminPort: server.adminPort,
    stop: () => server.stop(0),
  };
}
