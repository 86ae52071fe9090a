/**
 * The open-loop load generator: a fixed request rate over a small pool of keep-alive connections,
 * latency timed from each request's intended send time. Run as a script it prints one JSON
 * OpenLoopResult on stdout:
 *
 *   node --import tsx bench/open-loop.ts --port 8080 --rate 1000 --duration-ms 5000
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type OpenLoopOptions, type OpenLoopResult, OpenLoopRun } from './open-loop/open-loop-run.ts';

export type { OpenLoopOptions, OpenLoopResult };

export const OPEN_LOOP_DEFAULTS = { warmupMs: 500, connections: 32, leadUs: 100, graceMs: 2_000 } as const;

export function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(options.ratePerSec > 0) || !(options.durationMs > 0) || !(options.connections >= 1)) {
    throw new RangeError('open-loop: rate, duration and connections must be positive');
  }
  return new OpenLoopRun(options).run();
}

function optionsFromArgv(argv: string[]): OpenLoopOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      rate: { type: 'string' },
      'duration-ms': { type: 'string' },
      'warmup-ms': { type: 'string', default: String(OPEN_LOOP_DEFAULTS.warmupMs) },
      connections: { type: 'string', default: String(OPEN_LOOP_DEFAULTS.connections) },
      'lead-us': { type: 'string', default: String(OPEN_LOOP_DEFAULTS.leadUs) },
      'grace-ms': { type: 'string', default: String(OPEN_LOOP_DEFAULTS.graceMs) },
    },
  });
  const number = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (values[name] === undefined || !Number.isFinite(value))
      throw new Error(`open-loop: --${name} <number> is required`);
    return value;
  };
  return {
    port: number('port'),
    ratePerSec: number('rate'),
    durationMs: number('duration-ms'),
    warmupMs: number('warmup-ms'),
    connections: number('connections'),
    leadUs: number('lead-us'),
    graceMs: number('grace-ms'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const result = await runOpenLoop(optionsFromArgv(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
