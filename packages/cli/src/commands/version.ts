import { TANDEM_VERSION } from '@tandem/api';
import type { Command } from 'commander';

export function addVersionCommand(program: Command): void {
  program
    .command('version')
    .description('Print the Tandem version.')
    .action(() => {
      process.stdout.write(`tandem ${TANDEM_VERSION} (node ${process.version})\n`);
    });
}
