/**
 * The end-of-run check that what the clients hold is what the control plane says it sent: every
 * client is connected once, every type it subscribed to is SYNCED in /debug/syncz, and the version
 * the client last ACKed is the version the server recorded as ACKed.
 */
import { TypeUrls } from '@tandem/xds-proto';
import type { ClientStats } from './client/worker-protocol.ts';
import type { SyncEntry } from './control-plane-process.ts';
import type { BenchClient } from './mesh-model.ts';

const SHORT: Record<string, string> = {
  [TypeUrls.cluster]: 'CDS',
  [TypeUrls.clusterLoadAssignment]: 'EDS',
  [TypeUrls.listener]: 'LDS',
  [TypeUrls.routeConfiguration]: 'RDS',
};

export interface SyncCheck {
  readonly connections: number;
  /** Clients in sync on all four types, with the server agreeing on every version. */
  readonly syncedClients: number;
  readonly clients: number;
  /** ACKs the clients sent, and NACKs (always 0: these clients never reject). */
  readonly acks: number;
  /** The first few disagreements, for the report. */
  readonly problems: readonly string[];
}

export function verifySync(
  syncz: readonly SyncEntry[],
  stats: readonly ClientStats[],
  clients: readonly BenchClient[],
): SyncCheck {
  const byNode = new Map<string, SyncEntry[]>();
  for (const entry of syncz) byNode.set(entry.proxy, [...(byNode.get(entry.proxy) ?? []), entry]);
  const problems: string[] = [];
  let syncedClients = 0;
  for (const stat of stats) {
    const client = clients[stat.index]!;
    const problem = checkClient(stat, byNode.get(client.nodeId) ?? []);
    if (problem === undefined) syncedClients++;
    else if (problems.length < 10) problems.push(`client ${stat.index} (${client.nodeId}): ${problem}`);
  }
  return {
    connections: syncz.length,
    syncedClients,
    clients: stats.length,
    acks: stats.reduce((n, c) => n + c.types.reduce((m, t) => m + t.acks, 0), 0),
    problems,
  };
}

function checkClient(stat: ClientStats, entries: readonly SyncEntry[]): string | undefined {
  if (stat.error !== null) return `stream error ${stat.error}`;
  if (entries.length !== 1) return `${entries.length} connections on the server`;
  const entry = entries[0]!;
  for (const type of stat.types) {
    const short = SHORT[type.typeUrl]!;
    const server = entry.types[short];
    if (server === undefined) return `${short} unknown to the server`;
    if (server.state !== 'SYNCED') return `${short} is ${server.state} on the server`;
    if (type.acks !== type.responses) return `${short}: ${type.responses} responses but ${type.acks} ACKs`;
    if (stat.protocol === 'sotw' && server.acked !== type.version)
      return `${short}: client holds ${type.version}, server recorded ${server.acked}`;
    if (stat.protocol === 'delta' && server.sent !== type.version)
      return `${short}: client's system version ${type.version}, server sent ${server.sent}`;
  }
  return undefined;
}
