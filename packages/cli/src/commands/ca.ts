/**
 * `tandem ca root-cert`: prints the mesh's trust bundle (the root certificates workloads trust), from the
 * running control plane's debug API or from the CA directory. `tandem ca token`: mints a local bootstrap
 * credential for one workload identity (what a sidecar presents to the CA), from the CA directory's key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

export function addCaCommand(program: Command): void {
  const ca = program.command('ca').description('The mesh certificate authority.');
  ca.command('root-cert')
    .description('Print the root certificate(s) workloads trust (PEM).')
    .option('--ca-dir <dir>', 'read root-cert.pem from the CA directory instead of asking the control plane')
    .option('--debug-address <host:port>', "the control plane's debug API", '127.0.0.1:15014')
    .action(async (flags: { caDir?: string; debugAddress: string }) => {
      if (flags.caDir !== undefined) {
        try {
          process.stdout.write(readFileSync(path.join(flags.caDir, 'root-cert.pem'), 'utf8'));
        } catch (err) {
          process.stderr.write(`tandem ca root-cert: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
        return;
      }
      try {
        const res = await fetch(`http://${flags.debugAddress}/debug/ca/root-cert`);
        const body = await res.text();
        if (!res.ok) {
          process.stderr.write(`tandem ca root-cert: HTTP ${res.status}: ${body.trim()}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(body);
      } catch (err) {
        process.stderr.write(
          `tandem ca root-cert: cannot reach the control plane at ${flags.debugAddress}: ${(err as Error).message}\n`,
        );
        process.exitCode = 2;
      }
    });
  ca.command('token')
    .description('Mint a local bootstrap credential for a workload identity (local mode).')
    .requiredOption('--ca-dir <dir>', 'the control plane CA directory (holds the token signing key)')
    .requiredOption('--namespace <ns>', 'workload namespace')
    .requiredOption('--service-account <sa>', 'workload service account')
    .option('--ttl-s <seconds>', 'token lifetime; 0 for none', '0')
    .action(async (flags: { caDir: string; namespace: string; serviceAccount: string; ttlS: string }) => {
      const { LocalTokenAuthenticator } = await import('@tandem/control-plane');
      const ttl = Number(flags.ttlS);
      const tokens = LocalTokenAuthenticator.fromDir(flags.caDir);
      const expires = ttl > 0 ? Date.now() + ttl * 1000 : undefined;
      process.stdout.write(
        `${tokens.mint({ namespace: flags.namespace, serviceAccount: flags.serviceAccount }, expires)}\n`,
      );
    });
}
