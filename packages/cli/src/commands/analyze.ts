/**
 * `tandem analyze PATH... [--registry PATH]... [-o text|json]`: validates Istio config files or folders and
 * analyzes them together. Prints one line per issue (`file: Kind ns/name: path: reason [CODE]`) and a summary.
 *
 * Exit codes: 0 when there are no errors (warnings and "not supported" notices allowed), 1 when any object
 * is invalid or a reference cannot work, 2 on usage errors (no paths, unreadable path, bad option).
 */
import { analyzeConfigs, buildServiceRegistry, isErrorIssue } from '@tandem/api';
import type { Command, CommanderError } from 'commander';
import { collectConfigFiles } from '../analyze/collect-files.ts';
import { loadConfig } from '../analyze/load-config.ts';
import { formatJson, formatText, summarize } from '../analyze/report.ts';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

interface AnalyzeFlags {
  registry: string[];
  output: string;
}

function usageError(message: string): number {
  process.stderr.write(`tandem analyze: ${message}\n(run \`tandem analyze --help\` for usage)\n`);
  return EXIT_USAGE;
}

async function runAnalyze(paths: string[], flags: AnalyzeFlags): Promise<number> {
  if (paths.length === 0) return usageError('give at least one file or folder to analyze');
  if (flags.output !== 'text' && flags.output !== 'json')
    return usageError(`-o must be "text" or "json", got "${flags.output}"`);
  let files: string[];
  let registryFiles: string[];
  try {
    files = await collectConfigFiles(paths);
    registryFiles = await collectConfigFiles(flags.registry);
  } catch (err) {
    return usageError((err as Error).message);
  }
  const config = await loadConfig(files);
  const registryConfig = await loadConfig(registryFiles.filter((f) => !files.includes(f)));
  const workloads = [...config.workloads, ...registryConfig.workloads];
  const registry = buildServiceRegistry({
    objects: [...registryConfig.objects, ...config.objects],
    workloads,
  });
  const issues = [
    ...registryConfig.issues.filter(isErrorIssue),
    ...config.issues,
    ...analyzeConfigs(config.objects, registry),
  ];
  const summary = summarize(issues, {
    files: config.files,
    objects: config.objects.length,
    workloads: workloads.length,
  });
  process.stdout.write(flags.output === 'json' ? formatJson(issues, summary) : formatText(issues, summary));
  return summary.errors > 0 ? EXIT_INVALID : EXIT_OK;
}

export function addAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description(
      'Validate Istio config files or folders and check them against each other and a service registry.',
    )
    .argument('[paths...]', 'YAML/JSON files or folders (searched recursively for *.yaml, *.yml, *.json)')
    .option(
      '--registry <path>',
      'files or folders whose Services, ServiceEntries and workloads define known hosts (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExit codes: 0 no errors (warnings and "not supported" notices allowed), 1 errors, 2 usage errors.\n' +
        'Kinds Tandem does not apply (Gateway, EnvoyFilter, Telemetry, ...) are checked and reported as not supported.',
    )
    .exitOverride((err: CommanderError) => {
      process.exit(err.exitCode === 0 ? EXIT_OK : EXIT_USAGE);
    })
    .action(async (paths: string[], flags: AnalyzeFlags) => {
      process.exitCode = await runAnalyze(paths, flags);
    });
}
