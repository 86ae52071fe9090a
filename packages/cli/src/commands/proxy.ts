/**
 * `tandem proxy --config FILE`: runs the sidecar proxy from an Envoy v3 bootstrap. Invalid config
 * prints one line per problem (field path and reason) and exits 1; no stack traces.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { formatConfigIssue, parseConfigText, validateBootstrap } from '@tandem/api';
import { ProxyServer } from '@tandem/proxy';
import type { Command } from 'commander';
import { splitHostPort } from '../host-port.ts';

function hostPort(text: string): { address: string; port: number } {
  const [address, port] = splitHostPort(text);
  return { address, port };
}

export const EXIT_CONFIG = 1;
export const EXIT_RUNTIME = 2;

interface ProxyFlags {
  config: string;
  drainTimeS: string;
  adminAddress: string;
  prometheusAddress?: string;
  caAddress?: string;
  caTokenFile?: string;
  trustDomain: string;
  certTtlS: string;
}

export function addProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description('Run the sidecar proxy from an Envoy v3 bootstrap (YAML or JSON).')
    .requiredOption('-c, --config <file>', 'Envoy v3 bootstrap file (YAML or JSON)')
    .option('--drain-time-s <seconds>', 'on SIGTERM, how long in-flight requests may take to finish', '5')
    .option(
      '--admin-address <host:port>',
      "admin API address when the bootstrap has no admin block ('none' for no admin API)",
      '127.0.0.1:15000',
    )
    .option(
      '--prometheus-address <host:port>',
      "serve /stats/prometheus on a dedicated scrape port (Istio's is 0.0.0.0:15090)",
    )
    .option(
      '--ca-address <host:port>',
      'get a workload certificate from this CA (the control plane xDS port)',
    )
    .option('--ca-token-file <file>', 'the bootstrap credential for the CA (re-read on every request)')
    .option('--trust-domain <domain>', 'SPIFFE trust domain', 'cluster.local')
    .option('--cert-ttl-s <seconds>', 'requested workload certificate lifetime', '86400')
    .addHelpText(
      'after',
      '\nSupported bootstrap fields: docs/bootstrap-subset.md\nExit codes: 0 clean exit, 1 invalid config, 2 runtime failure (e.g. port in use).',
    )
    .action(async (flags: ProxyFlags) => {
      process.exitCode = await runProxy(flags);
    });
}

async function runProxy(flags: ProxyFlags): Promise<number> {
  const loaded = await loadBootstrap(flags.config);
  if (loaded === undefined) return EXIT_CONFIG;
  const drainTimeMs = Number(flags.drainTimeS) * 1000;
  if (!Number.isFinite(drainTimeMs) || drainTimeMs < 0) {
    process.stderr.write(
      `tandem proxy: --drain-time-s must be a non-negative number, got "${flags.drainTimeS}"\n`,
    );
    return EXIT_CONFIG;
  }
  let done: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (done = resolve));
  let server: ProxyServer;
  try {
    const identity = identityOptions(flags, loaded.bootstrap.node.metadata);
    server = new ProxyServer({
      ...loaded,
      drainTimeMs,
      onExit: () => done(0),
      defaultAdminAddress: flags.adminAddress === 'none' ? undefined : hostPort(flags.adminAddress),
      prometheusAddress:
        flags.prometheusAddress === undefined ? undefined : hostPort(flags.prometheusAddress),
      identity,
    });
    await server.start();
  } catch (err) {
    const e = err as Error & { code?: string };
    process.stderr.write(`tandem proxy: ${e.message}${e.code ? ` (${e.code})` : ''}\n`);
    return e.code === 'TANDEM_ERR_ROUTE_CONFIG' || e.code === 'TANDEM_ERR_TLS_CONFIG'
      ? EXIT_CONFIG
      : EXIT_RUNTIME;
  }
  for (const l of server.listeners())
    process.stderr.write(`tandem proxy: listener "${l.name}" on ${l.address}:${l.port}\n`);
  if (server.adminPort > 0) process.stderr.write(`tandem proxy: admin on port ${server.adminPort}\n`);
  if (server.prometheusPort > 0)
    process.stderr.write(`tandem proxy: /stats/prometheus on port ${server.prometheusPort}\n`);
  let signalled = false;
  const onSignal = (sig: string): void => {
    if (signalled) {
      process.stderr.write(`tandem proxy: ${sig} again: exiting now\n`);
      return done(0);
    }
    signalled = true;
    process.stderr.write(`tandem proxy: ${sig}: draining for up to ${drainTimeMs / 1000}s\n`);
    void server.stop().then(() => done(0));
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  const code = await exited;
  process.exit(code);
}

/** Workload identity from the flags; namespace and service account from the node metadata (as Istio's). */
function identityOptions(flags: ProxyFlags, metadata: Record<string, unknown>) {
  if (flags.caAddress === undefined) return undefined;
  const file = flags.caTokenFile;
  const str = (v: unknown, d: string) => (typeof v === 'string' && v !== '' ? v : d);
  return {
    caAddress: flags.caAddress,
    token: () => (file === undefined ? '' : readFileSync(file, 'utf8').trim()),
    trustDomain: flags.trustDomain,
    namespace: str(metadata['NAMESPACE'], 'default'),
    serviceAccount: str(metadata['SERVICE_ACCOUNT'], 'default'),
    ttlMs: Number(flags.certTtlS) * 1000,
  };
}

async function loadBootstrap(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(
      `tandem proxy: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`,
    );
    return undefined;
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`${formatConfigIssue(e)}\n`);
    return undefined;
  }
  const result = validateBootstrap(parsed.value);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${file}: ${formatConfigIssue(e)}\n`);
    process.stderr.write(`tandem proxy: ${result.errors.length} error(s) in ${file}; not starting\n`);
    return undefined;
  }
  for (const w of result.warnings) process.stderr.write(`${file}: warning: ${formatConfigIssue(w)}\n`);
  return { bootstrap: result.bootstrap, raw: parsed.value as Record<string, unknown> };
}
