import { parseArgs } from 'node:util';
import { niceness } from '../options.ts';
import type { Scoping } from './mesh-model.ts';

export interface CpBenchOptions {
  readonly services: number;
  readonly endpointsPerService: number;
  readonly clients: number;
  readonly deltaClients: number;
  readonly namespaces: number;
  readonly scopings: readonly Scoping[];
  readonly endpointChanges: number;
  readonly fullChanges: number;
  /** Whole runs per scoping (fresh control plane and clients each); numbers are medians over runs. */
  readonly runs: number;
  readonly clientWorkers: number;
  readonly settleMs: number;
  /** Write the control plane's CPU profile (node --cpu-prof) into this directory. */
  readonly cpuProfDir: string | undefined;
  /** `nice -n` for the control plane; undefined = unchanged. */
  readonly nice: number | undefined;
  /** `nice -n` for the bench's own threads (the clients); undefined = as `nice`. */
  readonly clientsNice: number | undefined;
  /** Extra node flags for the control plane process (e.g. `--max-semi-space-size=32`). */
  readonly nodeFlags: readonly string[];
  readonly tandemRoot: string;
  readonly outDir: string;
  readonly quick: boolean;
}

export const USAGE = `Usage: npm run bench:control-plane -- [options]

  --services <n>         services, each a ServiceEntry + WorkloadEntries + DestinationRule (default 1000)
  --endpoints <n>        endpoints (WorkloadEntries) per service (default 3)
  --clients <n>          connected xDS clients (default 1000)
  --delta-clients <n>    how many of them use delta xDS; the rest state of the world (default 10)
  --namespaces <n>       namespaces the services are spread over (default 10)
  --scoping <list>       none (every proxy sees every service), sidecar (a Sidecar per namespace: own
                         namespace + the next one), or both: none,sidecar (default)
  --endpoint-changes <n> endpoint changes measured per run (default 5)
  --full-changes <n>     full config changes (every VirtualService) measured per run (default 3)
  --runs <n>             runs per scoping, each with a fresh control plane; medians are reported (default 1)
  --workers <n>          worker threads the clients are spread over (default 2)
  --settle-ms <ms>       quiet time after each change before the next (default 1000)
  --cpu-prof <dir>       write the control plane's CPU profile (node --cpu-prof) to <dir>
  --nice=<n>             run the control plane and the clients under nice -n <n> (e.g. --nice=-10 as root
                         on a machine shared with other work; they still share the machine's cores)
  --clients-nice=<n>     the clients' niceness, if it should differ (e.g. 0 with --nice=-10: the control
                         plane first, as if the proxies ran on other machines)
  --node-flags <flags>   extra node flags for the control plane, space-separated (e.g. --max-semi-space-size=32)
  --quick                smoke run: 100 services, 100 clients (5 delta), 3 endpoint and 2 full changes
  --out <dir>            where the JSON goes (default <repo>/.bench)

  TANDEM_ROOT=<dir>      Tandem checkout whose control plane is measured (default: this repo)`;

export class HelpRequested extends Error {}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, repoRoot: string): CpBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      services: { type: 'string' },
      endpoints: { type: 'string', default: '3' },
      clients: { type: 'string' },
      'delta-clients': { type: 'string' },
      namespaces: { type: 'string', default: '10' },
      scoping: { type: 'string', default: 'none,sidecar' },
      'endpoint-changes': { type: 'string' },
      'full-changes': { type: 'string' },
      runs: { type: 'string', default: '1' },
      workers: { type: 'string', default: '2' },
      'settle-ms': { type: 'string', default: '1000' },
      'cpu-prof': { type: 'string' },
      'node-flags': { type: 'string', default: '' },
      nice: { type: 'string' },
      'clients-nice': { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  const quick = values.quick;
  const options: CpBenchOptions = {
    services: count('services', values.services ?? (quick ? '100' : '1000')),
    endpointsPerService: count('endpoints', values.endpoints),
    clients: count('clients', values.clients ?? (quick ? '100' : '1000')),
    deltaClients: count('delta-clients', values['delta-clients'] ?? (quick ? '5' : '10'), true),
    namespaces: count('namespaces', values.namespaces),
    scopings: parseScopings(values.scoping),
    endpointChanges: count('endpoint-changes', values['endpoint-changes'] ?? (quick ? '3' : '5'), true),
    fullChanges: count('full-changes', values['full-changes'] ?? (quick ? '2' : '3'), true),
    runs: count('runs', values.runs),
    clientWorkers: count('workers', values.workers),
    settleMs: count('settle-ms', values['settle-ms'], true),
    cpuProfDir: values['cpu-prof'],
    nice: values.nice === undefined ? undefined : niceness(values.nice),
    clientsNice:
      values['clients-nice'] === undefined
        ? values.nice === undefined
          ? undefined
          : niceness(values.nice)
        : niceness(values['clients-nice']),
    nodeFlags: values['node-flags'].split(' ').filter((flag) => flag !== ''),
    tandemRoot: env.TANDEM_ROOT || repoRoot,
    outDir: values.out ?? `${repoRoot}/.bench`,
    quick,
  };
  if (options.deltaClients > options.clients)
    throw new Error(`--delta-clients: ${options.deltaClients} is more than --clients ${options.clients}`);
  return options;
}

function parseScopings(list: string): Scoping[] {
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (name !== 'none' && name !== 'sidecar')
      throw new Error(`--scoping: unknown "${name}" (none, sidecar)`);
  }
  return [...new Set(names as Scoping[])];
}

function count(name: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(
      `--${name}: expected a ${allowZero ? 'non-negative' : 'positive'} integer, got "${text}"`,
    );
  return value;
}
