/**
 * `tandem proxy-status`: every proxy connected to the control plane and, per xDS type, whether it
 * is SYNCED, STALE (an update not yet acknowledged) or NACKED (it rejected the last update).
 * Exit code 1 when any proxy is not SYNCED, so scripts can wait on it.
 */
import type { Command } from 'commander';
import { fetchDebug } from '../fetch-debug.ts';

interface Sync {
  proxy: string;
  snapshotVersion: string | null;
  types: Record<string, { state: string; acked: string | null; nack: string | null }>;
}

export function addProxyStatusCommand(program: Command): void {
  program
    .command('proxy-status')
    .description('Show every connected proxy and its sync state per xDS type.')
    .option('--debug-address <host:port>', "the control plane's debug API", '127.0.0.1:15014')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (flags: { debugAddress: string; output: string }) => {
      const list = (await fetchDebug(flags.debugAddress, '/debug/syncz')) as Sync[];
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else process.stdout.write(renderTable(list));
      const allSynced = list.every((s) =>
        Object.values(s.types).every((t) => t.state === 'SYNCED' || t.state === 'NOT SENT'),
      );
      process.exitCode = allSynced ? 0 : 1;
    });
}

function renderTable(list: Sync[]): string {
  const types = ['CDS', 'LDS', 'EDS', 'RDS'];
  const rows = [['NAME', ...types, 'VERSION']];
  for (const s of list) {
    rows.push([s.proxy, ...types.map((t) => s.types[t]?.state ?? 'NOT SENT'), s.snapshotVersion ?? '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const nacks = list.flatMap((s) =>
    Object.entries(s.types)
      .filter(([, t]) => t.nack !== null && t.state === 'NACKED')
      .map(([type, t]) => `${s.proxy} ${type}: ${t.nack}`),
  );
  return `${lines.join('\n')}\n${nacks.length > 0 ? `\nNACKs:\n${nacks.join('\n')}\n` : ''}`;
}
