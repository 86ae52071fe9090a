/**
 * `tandem control-plane --config-dir DIR`: serves xDS (default 127.0.0.1:15010, Istio's plaintext
 * port) and the debug/metrics API (default 127.0.0.1:15014) from the Istio YAML in DIR, watching
 * it for changes. Invalid objects are rejected with a message and never applied.
 */

import type { DebugServer } from '@tandem/control-plane';
import type { Command } from 'commander';
import { splitHostPort } from '../host-port.ts';

interface Flags {
  configDir: string;
  xdsAddress: string;
  debugAddress: string;
  caDir?: string;
  trustDomain: string;
  workloadCertTtlS: string;
  tokenKeyDir?: string;
}

export function addControlPlaneCommand(program: Command): void {
  program
    .command('control-plane')
    .description('Run the control plane: Istio config in, xDS out.')
    .requiredOption('--config-dir <dir>', 'directory of Istio / Kubernetes YAML (watched for changes)')
    .option('--xds-address <host:port>', 'where to serve ADS (gRPC, plaintext)', '127.0.0.1:15010')
    .option('--debug-address <host:port>', 'where to serve /debug/* and /metrics', '127.0.0.1:15014')
    .option(
      '--ca-dir <dir>',
      'run the CA (mTLS between sidecars): a root is generated here on first start, or put Istio cacerts here',
    )
    .option('--trust-domain <domain>', 'SPIFFE trust domain of workload identities', 'cluster.local')
    .option('--workload-cert-ttl-s <seconds>', 'default workload certificate lifetime', '86400')
    .option(
      '--token-key-dir <dir>',
      'where the local bootstrap token key is kept (default: the CA directory)',
    )
    .action(async (flags: Flags) => {
      process.exitCode = await run(flags);
    });
}

async function run(flags: Flags): Promise<number> {
  // Loaded here, not at the top: `tandem proxy` must not parse the control plane (gRPC server, CA, x509).
  const { buildDebugHandlers, ControlPlane, DebugServer, parseIstioFile } = await import(
    '@tandem/control-plane'
  );
  const log = (line: string): void => void process.stderr.write(`tandem control-plane: ${line}\n`);
  const security =
    flags.caDir === undefined
      ? undefined
      : {
          caDir: flags.caDir,
          trustDomain: flags.trustDomain,
          workloadTtlMs: Number(flags.workloadCertTtlS) * 1000,
          tokenKeyDir: flags.tokenKeyDir,
        };
  const cp = new ControlPlane({ configDir: flags.configDir, parse: parseIstioFile, log, security });
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
