/**
 * `tandem`: the command line. Each subcommand lives in its own file under `commands/`.
 *
 * Only the module of the command being run is loaded (all of them for help and unknown commands):
 * a sidecar (`tandem proxy`, `tandem run`, `tandem sidecar`) then never parses the control plane,
 * the chart renderer or the analyzer, and idles with less memory.
 */
import { Command } from 'commander';

type AddCommand = (program: Command) => void;

/** Top-level command name -> how to load the module that registers it. */
const COMMANDS: Record<string, () => Promise<AddCommand>> = {
  analyze: () => import('./commands/analyze.ts').then((m) => m.addAnalyzeCommand),
  ca: () => import('./commands/ca.ts').then((m) => m.addCaCommand),
  'control-plane': () => import('./commands/control-plane.ts').then((m) => m.addControlPlaneCommand),
  install: () => import('./commands/install.ts').then((m) => m.addInstallCommand),
  iptables: () => import('./commands/iptables.ts').then((m) => m.addIptablesCommand),
  'kube-inject': () => import('./commands/kube-inject.ts').then((m) => m.addKubeInjectCommand),
  proxy: () => import('./commands/proxy.ts').then((m) => m.addProxyCommand),
  'proxy-config': () => import('./commands/proxy-config.ts').then((m) => m.addProxyConfigCommand),
  'proxy-status': () => import('./commands/proxy-status.ts').then((m) => m.addProxyStatusCommand),
  run: () => import('./commands/run.ts').then((m) => m.addRunCommand),
  // One module registers both `sidecar` and `sidecar-wait`.
  sidecar: () => import('./commands/sidecar.ts').then((m) => m.addSidecarCommands),
  'sidecar-wait': () => import('./commands/sidecar.ts').then((m) => m.addSidecarCommands),
  up: () => import('./commands/up.ts').then((m) => m.addUpCommand),
  version: () => import('./commands/version.ts').then((m) => m.addVersionCommand),
};

const program = new Command('tandem')
  .description('Tandem service mesh: sidecar proxy, control plane and tools.')
  .showHelpAfterError('(run `tandem --help` for usage)')
  .enablePositionalOptions();

const name = process.argv[2] ?? '';
const loaders = Object.hasOwn(COMMANDS, name)
  ? [COMMANDS[name]!]
  : Object.entries(COMMANDS)
      .filter(([n]) => n !== 'sidecar-wait')
      .map(([, load]) => load);
for (const add of await Promise.all(loaders.map((load) => load()))) add(program);

await program.parseAsync(process.argv);
