/**
 * `tandem install --dry-run`: renders Tandem's Helm chart (deploy/helm/tandem) into plain manifests
 * and prints them; `kubectl apply -f` takes them as they are. The same templates are what
 * `helm install` uses, rendered here by Tandem's own renderer for the template subset the chart
 * uses. Exit codes: 0 printed, 1 the chart did not render, 2 usage (applying without --dry-run is
 * left to kubectl or helm for now).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import {
  defaultChartDir,
  manifestsText,
  mergeValues,
  parseSet,
  renderChart,
} from '../install/render-chart.ts';

interface Flags {
  dryRun?: boolean;
  namespace: string;
  set: string[];
  values: string[];
  chart?: string;
  skipCrds?: boolean;
}

const collect = (v: string, all: string[]) => [...all, v];

export function addInstallCommand(program: Command): void {
  program
    .command('install')
    .description('Render the Tandem control plane, webhook, RBAC and CRDs as Kubernetes manifests.')
    .option('--dry-run', 'print the manifests instead of applying them')
    .option('-n, --namespace <ns>', 'namespace of the control plane', 'tandem-system')
    .option('--set <key=value>', 'override a chart value (repeatable), as helm --set', collect, [])
    .option('-f, --values <file>', 'values file merged over the chart defaults (repeatable)', collect, [])
    .option('--skip-crds', "do not render the CRDs (Istio's are installed)")
    .option('--chart <dir>', 'chart directory (default: the chart shipped with Tandem)')
    .addHelpText('after', '\nApply with: tandem install --dry-run | kubectl apply -f -')
    .action((flags: Flags) => {
      process.exitCode = run(flags);
    });
}

function run(flags: Flags): number {
  const err = (line: string) => void process.stderr.write(`tandem install: ${line}\n`);
  if (!flags.dryRun) {
    err(
      'only --dry-run is supported: tandem install --dry-run | kubectl apply -f -  (or helm install tandem deploy/helm/tandem)',
    );
    return 2;
  }
  try {
    let values: Record<string, unknown> = { createNamespace: true };
    for (const file of flags.values)
      values = mergeValues(values, (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>);
    for (const s of flags.set) values = mergeValues(values, parseSet(s));
    if (flags.skipCrds) values = mergeValues(values, { crds: { install: false } });
    const docs = renderChart({
      chartDir: flags.chart ?? defaultChartDir(),
      namespace: flags.namespace,
      values,
    });
    process.stdout.write(manifestsText(docs));
    return 0;
  } catch (e) {
    const error = e as Error & { code?: string };
    err(`${error.message}${error.code ? ` [${error.code}]` : ''}`);
    return 1;
  }
}
