import { parseArgs } from 'node:util';
import type { TargetName } from './targets/target.ts';

export interface BenchOptions {
  rounds: number;
  /** Length of each measured run: the wrk run and each open-loop rate. */
  durationSec: number;
  /** Unmeasured wrk run before the measured one (JIT, connection pools). */
  warmupSec: number;
  wrkConnections: number;
  openLoopConnections: number;
  ratesPerSec: number[];
  targets: TargetName[];
  /** CPU of the proxy under test, and of the backend + load generators; undefined = unpinned. */
  proxyCpu: number | undefined;
  loadCpu: number | undefined;
  /** `nice -n` for every process the bench starts (proxy, backend, generators); undefined = unchanged. */
  nice: number | undefined;
  readyTimeoutMs: number;
  tandemRoot: string;
  outDir: string;
  quick: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --rounds <n>          rounds; each runs every target once, order rotated (default 3; env BENCH_ROUNDS)
  --duration <sec>      seconds per measured run: wrk, and each open-loop rate (default 3; env BENCH_DURATION)
  --warmup <sec>        unmeasured wrk warm-up per target and round (default 1)
  --quick               smoke run: 1 round, 2 s runs
  --targets <list>      comma-separated subset of direct,tandem,haproxy,nginx,tandem-pair,tandem-mtls (default all;
                        direct is always run); tandem brings its feature rows along: tandem-accesslog,
                        tandem-tracing, tandem-resilience (add no-features to skip them, no-telemetry
                        to skip the first two; or name the rows you want)
  --rates <list>        open-loop rates in requests/s (default 1000,5000)
  --connections <n>     wrk connections (default 32)
  --no-pin              do not pin with taskset
  --nice=<n>            run every process under nice -n <n> (e.g. --nice=-10 as root on a shared machine)
  --out <dir>           where the JSON goes (default <repo>/.bench)

  TANDEM_ROOT=<dir>     Tandem checkout whose packages/cli/bin/tandem.js is benchmarked (default: this repo)`;

const ALL_TARGETS: TargetName[] = [
  'direct',
  'tandem',
  'tandem-accesslog',
  'tandem-tracing',
  'tandem-resilience',
  'haproxy',
  'nginx',
  'tandem-pair',
  'tandem-mtls',
];
/** Selecting `tandem` also measures these rows (each a ratio to the plain Tandem row). */
const TANDEM_TELEMETRY: TargetName[] = ['tandem-accesslog', 'tandem-tracing'];
const TANDEM_TRAFFIC: TargetName[] = ['tandem-resilience'];
const OPT_OUTS = ['no-features', 'no-telemetry'];

/** Parses flags and environment; throws a message meant for the user on bad input. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, repoRoot: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string', default: '1' },
      quick: { type: 'boolean', default: false },
      targets: { type: 'string' },
      rates: { type: 'string', default: '1000,5000' },
      connections: { type: 'string', default: '32' },
      'no-pin': { type: 'boolean', default: false },
      nice: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) throw new HelpRequested();
  const quick = values.quick;
  const pin = !values['no-pin'];
  return {
    rounds: positive('rounds', quick ? '1' : (values.rounds ?? env.BENCH_ROUNDS ?? '3')),
    durationSec: positive('duration', quick ? '2' : (values.duration ?? env.BENCH_DURATION ?? '3')),
    warmupSec: positive('warmup', values.warmup, true),
    wrkConnections: positive('connections', values.connections),
    openLoopConnections: 32,
    ratesPerSec: values.rates.split(',').map((rate) => positive('rates', rate.trim())),
    targets: parseTargets(values.targets),
    proxyCpu: pin ? 1 : undefined,
    loadCpu: pin ? 0 : undefined,
    nice: values.nice === undefined ? undefined : niceness(values.nice),
    readyTimeoutMs: 20_000,
    tandemRoot: env.TANDEM_ROOT || repoRoot,
    outDir: values.out ?? `${repoRoot}/.bench`,
    quick,
  };
}

export class HelpRequested extends Error {}

function parseTargets(list: string | undefined): TargetName[] {
  if (!list) return ALL_TARGETS;
  const names = list.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!OPT_OUTS.includes(name) && !ALL_TARGETS.includes(name as TargetName)) {
      throw new Error(`--targets: unknown target "${name}" (known: ${ALL_TARGETS.join(', ')})`);
    }
  }
  const withFeatures = names.includes('tandem') && !names.includes('no-features');
  const withTelemetry = withFeatures && !names.includes('no-telemetry');
  return ALL_TARGETS.filter(
    (name) =>
      name === 'direct' ||
      names.includes(name) ||
      (withTelemetry && TANDEM_TELEMETRY.includes(name)) ||
      (withFeatures && TANDEM_TRAFFIC.includes(name)),
  );
}

export function niceness(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < -20 || value > 19)
    throw new Error(`--nice: expected -20..19, got "${text}"`);
  return value;
}

function positive(name: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`--${name}: expected a positive number, got "${text}"`);
  }
  return value;
}
