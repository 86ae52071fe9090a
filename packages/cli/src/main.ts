/**
 * `tandem`: the command line. Each subcommand lives in its own file under `commands/`.
 */
import { Command } from 'commander';
import { addAnalyzeCommand } from './commands/analyze.ts';
import { addCaCommand } from './commands/ca.ts';
import { addControlPlaneCommand } from './commands/control-plane.ts';
import { addInstallCommand } from './commands/install.ts';
import { addIptablesCommand } from './commands/iptables.ts';
import { addKubeInjectCommand } from './commands/kube-inject.ts';
import { addProxyCommand } from './commands/proxy.ts';
import { addProxyConfigCommand } from './commands/proxy-config.ts';
import { addProxyStatusCommand } from './commands/proxy-status.ts';
import { addRunCommand } from './commands/run.ts';
import { addSidecarCommands } from './commands/sidecar.ts';
import { addUpCommand } from './commands/up.ts';
import { addVersionCommand } from './commands/version.ts';

const program = new Command('tandem')
  .description('Tandem service mesh: sidecar proxy, control plane and tools.')
  .showHelpAfterError('(run `tandem --help` for usage)')
  .enablePositionalOptions();

addAnalyzeCommand(program);
addCaCommand(program);
addControlPlaneCommand(program);
addInstallCommand(program);
addIptablesCommand(program);
addKubeInjectCommand(program);
addProxyCommand(program);
addProxyConfigCommand(program);
addProxyStatusCommand(program);
addRunCommand(program);
addSidecarCommands(program);
addUpCommand(program);
addVersionCommand(program);

await program.parseAsync(process.argv);
