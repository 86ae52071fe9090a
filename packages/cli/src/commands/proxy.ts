import type { Command } from 'commander';

export function addProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description('Run the sidecar proxy from an Envoy v3 bootstrap (YAML or JSON).')
    .requiredOption('-c, --config <file>', 'Envoy v3 bootstrap file (YAML or JSON)')
    .action(() => {
      process.stderr.write('tandem proxy: not built yet\n');
      process.exitCode = 1;
    });
}
