/**
 * `tandem`: the command line. Each subcommand lives in its own file under `commands/`.
 */
import { Command } from 'commander';
import { addAnalyzeCommand } from './commands/analyze.ts';
import { addControlPlaneCommand } from './commands/control-plane.ts';
import { addInstallCommand } from './commands/install.ts';
import { addKubeInjectCommand } from './commands/kube-inject.ts';
import { addProxyCommand } from './commands/proxy.ts';
import { addProxyConfigCommand } from './commands/proxy-config.ts';
import { addProxyStatusCommand } from './commands/proxy-status.ts';
import { addSidecarCommands } from './commands/sidecar.ts';
import { addVersionCommand } from './commands/version.ts';

const program = new Command('tandem')
  .description('Tandem service mesh: sidecar proxy, control plane and tools.')
  .showHelpAfterError('(run `tandem --help` for usage)');

addAnalyzeCommand(program);
addControlPlaneCommand(program);
addInstallCommand(program);
addKubeInjectCommand(program);
addProxyCommand(program);
addProxyConfigCommand(program);
addProxyStatusCommand(program);
addSidecarCommands(program);
addVersionCommand(program);

await program.parseAsync(process.argv);
