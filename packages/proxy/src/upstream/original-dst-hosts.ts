/**
 * The hosts of an ORIGINAL_DST cluster: one per original destination seen, created when a
 * connection first asks for it and removed after `cleanup_interval` without use (Envoy's
 * PassthroughCluster behaviour), draining its pools.
 */
import type { IdleSweeper, SweptConnection } from '../util/idle-sweeper.ts';
import { Host } from './host.ts';

interface Entry {
  host: Host;
  lastUsedEpoch: number;
}

export class OriginalDstHosts implements SweptConnection {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: IdleSweeper;
  private readonly cleanupMs: number;

  constructor(sweeper: IdleSweeper, cleanupIntervalMs: number) {
    this.sweeper = sweeper;
    this.cleanupMs = cleanupIntervalMs;
    sweeper.add(this);
  }

  hostFor(address: string, port: number): Host {
    const key = `${address}|${port}`;
    let e = this.entries.get(key);
    if (e === undefined) this.entries.set(key, (e = { host: new Host(address, port), lastUsedEpoch: 0 }));
    e.lastUsedEpoch = this.sweeper.epoch;
    return e.host;
  }

  all(): Host[] {
    return [...this.entries.values()].map((e) => e.host);
  }

  onSweep(): void {
    for (const [key, e] of this.entries) {
      if (e.host.activeRequests > 0 || !this.sweeper.expired(e.lastUsedEpoch, this.cleanupMs)) continue;
      this.entries.delete(key);
      e.host.http1Pool?.drain();
      e.host.http2Pool?.drain();
    }
  }

  close(): void {
    this.sweeper.remove(this);
    for (const e of this.entries.values()) {
      e.host.http1Pool?.drain();
      e.host.http2Pool?.drain();
    }
    this.entries.clear();
  }
}
