/**
 * `tandem control-plane --config-dir DIR`: serves xDS (default 127.0.0.1:15010, Istio's plaintext
 * port) and the debug/metrics API (default 127.0.0.1:15014) from the Istio YAML in DIR, watching
 * it for changes. Invalid objects are rejected with a message and never applied.
 */

import { readFileSync } from 'node:fs';
import {
  buildDebugHandlers,
  ControlPlane,
  DebugServer,
  type MeshConfig,
  parseIstioFile,
  parseMeshConfig,
} from '@tandem/control-plane';
import type { Command } from 'commander';
import { splitHostPort } from '../host-port.ts';

interface Flags {
  configDir: string;
  xdsAddress: string;
  debugAddress: string;
  meshConfig?: string;
}

export function addControlPlaneCommand(program: Command): void {
  program
    .command('control-plane')
    .description('Run the control plane: Istio config in, xDS out.')
    .requiredOption('--config-dir <dir>', 'directory of Istio / Kubernetes YAML (watched for changes)')
    .option('--xds-address <host:port>', 'where to serve ADS (gRPC, plaintext)', '127.0.0.1:15010')
    .option('--debug-address <host:port>', 'where to serve /debug/* and /metrics', '127.0.0.1:15014')
    .option(
      '--mesh-config <file>',
      'Istio MeshConfig YAML (or the istio ConfigMap): accessLogFile, accessLogEncoding, tracing, extensionProviders',
    )
    .action(async (flags: Flags) => {
      process.exitCode = await run(flags);
    });
}

async function run(flags: Flags): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`tandem control-plane: ${line}\n`);
  let meshConfig: MeshConfig | undefined;
  if (flags.meshConfig !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.meshConfig, 'utf8');
    } catch (err) {
      log(
        `cannot read ${flags.meshConfig}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
      return 1;
    }
    const parsed = parseMeshConfig(text, flags.meshConfig);
    for (const n of parsed.notices) log(`notice: ${n}`);
    if (parsed.errors.length > 0) {
      for (const e of parsed.errors) log(`error: ${e} [TANDEM_ERR_MESH_CONFIG]`);
      return 1;
    }
    meshConfig = parsed.config;
  }
  const cp = new ControlPlane({ configDir: flags.configDir, parse: parseIstioFile, log, meshConfig });
  let debug: DebugServer | undefined;
  try {
    await cp.start();
    const xdsPort = await cp.ads.listen(flags.xdsAddress);
    const [dh, dp] = splitHostPort(flags.debugAddress);
    debug = new DebugServer(buildDebugHandlers(cp));
    const debugPort = await debug.listen(dh, dp);
    log(`xds on ${splitHostPort(flags.xdsAddress)[0]}:${xdsPort}; debug on ${dh}:${debugPort}`);
    log(
      `${cp.store.list().length} config objects, ${cp.meshSnapshot.services.size} services from ${flags.configDir}`,
    );
  } catch (err) {
    log(`${(err as Error).message}`);
    await cp.stop();
    return 2;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await debug.close();
  await cp.stop();
  return 0;
}
