/**
 * `tandem`: the command line. Each subcommand lives in its own file under `commands/`.
 */
import { Command } from 'commander';
import { addAnalyzeCommand } from './commands/analyze.ts';
import { addProxyCommand } from './commands/proxy.ts';
import { addVersionCommand } from './commands/version.ts';

const program = new Command('tandem')
  .description('Tandem service mesh: sidecar proxy, control plane and tools.')
  .showHelpAfterError('(run `tandem --help` for usage)');

addAnalyzeCommand(program);
addProxyCommand(program);
addVersionCommand(program);

await program.parseAsync(process.argv);
