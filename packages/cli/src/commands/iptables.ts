/**
 * `tandem iptables`: sets up (or, with --cleanup, removes) the nat rules that send a workload's
 * TCP through its sidecar, like Istio's init container. `--dry-run` prints the iptables-restore
 * document instead of applying it. Needs root (CAP_NET_ADMIN) and iptables; exit 0 on success,
 * 1 for invalid flags, 2 when iptables fails.
 */
import { spawnSync } from 'node:child_process';
import {
  buildIptablesCleanup,
  buildIptablesRules,
  DEFAULT_INTERCEPTION,
  type InterceptionOptions,
  parseCidrs,
  parsePorts,
} from '@tandem/proxy/interception';
import type { Command } from 'commander';

interface Flags {
  proxyUid: string;
  outboundPort: string;
  inboundPort: string;
  inboundPorts: string;
  excludeInboundPorts: string;
  includeOutboundCidrs: string;
  excludeOutboundCidrs: string;
  excludeOutboundPorts: string;
  includeOutboundPorts: string;
  dryRun?: boolean;
  cleanup?: boolean;
}

export function addIptablesCommand(program: Command): void {
  const d = DEFAULT_INTERCEPTION;
  program
    .command('iptables')
    .description("Redirect a workload's TCP through its sidecar (nat rules, as Istio's init container).")
    .option('-u, --proxy-uid <uid>', 'UID the sidecar runs as (never redirected)', String(d.proxyUid))
    .option('--outbound-port <port>', 'sidecar port for outbound traffic', String(d.outboundPort))
    .option('--inbound-port <port>', 'sidecar port for inbound traffic', String(d.inboundPort))
    .option('-b, --inbound-ports <ports>', 'ports to capture inbound, comma-separated, or *', '*')
    .option('-d, --exclude-inbound-ports <ports>', 'inbound ports to leave alone', '')
    .option('-i, --include-outbound-cidrs <cidrs>', 'destinations to capture, or *', '*')
    .option('-x, --exclude-outbound-cidrs <cidrs>', 'destinations to leave alone', '')
    .option('-o, --exclude-outbound-ports <ports>', 'outbound ports to leave alone', '')
    .option('-q, --include-outbound-ports <ports>', 'outbound ports to capture whatever the destination', '')
    .option('--dry-run', 'print the rules instead of applying them')
    .option('--cleanup', 'remove the rules')
    .action((flags: Flags) => {
      process.exitCode = run(flags);
    });
}

function run(flags: Flags): number {
  if (flags.cleanup) {
    for (const args of buildIptablesCleanup()) {
      if (flags.dryRun) process.stdout.write(`iptables ${args.join(' ')}\n`);
      else spawnSync('iptables', args, { stdio: 'ignore' });
    }
    return 0;
  }
  let options: InterceptionOptions;
  try {
    options = {
      proxyUid: integer('--proxy-uid', flags.proxyUid),
      outboundPort: integer('--outbound-port', flags.outboundPort),
      inboundPort: integer('--inbound-port', flags.inboundPort),
      inboundPorts: parsePorts('--inbound-ports', flags.inboundPorts, true),
      excludeInboundPorts: parsePorts(
        '--exclude-inbound-ports',
        flags.excludeInboundPorts,
        false,
      ) as number[],
      includeOutboundCidrs: parseCidrs('--include-outbound-cidrs', flags.includeOutboundCidrs, true),
      excludeOutboundCidrs: parseCidrs(
        '--exclude-outbound-cidrs',
        flags.excludeOutboundCidrs,
        false,
      ) as string[],
      excludeOutboundPorts: parsePorts(
        '--exclude-outbound-ports',
        flags.excludeOutboundPorts,
        false,
      ) as number[],
      includeOutboundPorts: parsePorts(
        '--include-outbound-ports',
        flags.includeOutboundPorts,
        false,
      ) as number[],
    };
  } catch (err) {
    process.stderr.write(`tandem iptables: ${(err as Error).message}\n`);
    return 1;
  }
  const rules = buildIptablesRules(options);
  if (flags.dryRun) {
    process.stdout.write(rules);
    return 0;
  }
  const r = spawnSync('iptables-restore', ['--noflush'], { input: rules, encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim();
    process.stderr.write(`tandem iptables: iptables-restore failed (needs root and iptables): ${why}\n`);
    return 2;
  }
  process.stderr.write(
    `tandem iptables: outbound TCP -> :${options.outboundPort}, inbound -> :${options.inboundPort}, UID ${options.proxyUid} exempt\n`,
  );
  return 0;
}

function integer(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${flag}: "${text}" is not a number from 0 to 65535`);
  return n;
}
