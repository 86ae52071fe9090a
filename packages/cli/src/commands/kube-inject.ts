/**
 * `tandem kube-inject -f FILE|-`: injects the Tandem sidecar into the workloads of a manifest
 * (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods) offline, like
 * `istioctl kube-inject`, and prints the result. Other kinds, and comments, pass through. Pods that
 * opt out (`sidecar.istio.io/inject: "false"`), host-network pods and injected pods are unchanged.
 * Exit codes: 0 done, 1 a manifest could not be injected (bad YAML, invalid annotation), 2 usage.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';

interface Flags {
  filename: string;
  output?: string;
  kubernetesVersion: string;
  proxyImage?: string;
  controlPlaneAddress?: string;
  caAudience?: string;
  trustDomain?: string;
  quiet?: boolean;
}

export function addKubeInjectCommand(program: Command): void {
  program
    .command('kube-inject')
    .description('Add the Tandem sidecar to the workloads in Kubernetes YAML (offline).')
    .requiredOption('-f, --filename <file>', 'manifest to inject, or - for standard input')
    .option('-o, --output <file>', 'write here instead of standard output')
    .option(
      '--kubernetes-version <version>',
      'target cluster version: >= 1.28 uses native sidecars (init containers with restartPolicy: Always)',
      '1.29',
    )
    .option('--proxy-image <image>', 'sidecar image')
    .option('--control-plane-address <host:port>', 'ADS address the sidecars connect to')
    .option('--ca-audience <audience>', 'audience of the projected service-account token')
    .option('--trust-domain <domain>', 'mesh trust domain')
    .option('-q, --quiet', 'no summary on standard error')
    .action(async (flags: Flags) => {
      process.exitCode = await run(flags);
    });
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(flags: Flags): Promise<number> {
  const err = (line: string) => void process.stderr.write(`tandem kube-inject: ${line}\n`);
  let text: string;
  try {
    text = await readInput(flags.filename);
  } catch (e) {
    err(`cannot read ${flags.filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  // Loaded here: other commands (a sidecar's `tandem run`) must not pay for the control plane.
  const { defaultInjectSettings, injectYamlText, supportsNativeSidecar } = await import(
    '@tandem/control-plane'
  );
  const settings = defaultInjectSettings({
    nativeSidecar: supportsNativeSidecar(flags.kubernetesVersion),
    ...(flags.proxyImage ? { proxyImage: flags.proxyImage } : {}),
    ...(flags.controlPlaneAddress ? { controlPlaneAddress: flags.controlPlaneAddress } : {}),
    ...(flags.caAudience ? { caAudience: flags.caAudience } : {}),
    ...(flags.trustDomain ? { trustDomain: flags.trustDomain } : {}),
  });
  const result = injectYamlText(text, settings);
  const source = flags.filename === '-' ? '<stdin>' : flags.filename;
  if (result.errors.length > 0) {
    for (const e of result.errors) err(`${source}: ${e}`);
    return 1;
  }
  if (flags.output) await writeFile(flags.output, result.text);
  else process.stdout.write(result.text);
  if (!flags.quiet) {
    const count = (o: string) => result.reports.filter((r) => r.outcome === o).length;
    for (const r of result.reports.filter((x) => x.outcome === 'skipped'))
      err(`${r.kind} ${r.name}: not injected: ${r.reason}`);
    err(`${count('injected')} injected, ${count('skipped')} skipped, ${count('ignored')} passed through`);
  }
  return 0;
}
