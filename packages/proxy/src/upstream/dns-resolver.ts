/**
 * DNS for STRICT_DNS and LOGICAL_DNS clusters: resolves every endpoint's name through the system
 * resolver (so /etc/hosts applies), at start and then every `dns_refresh_rate`. STRICT_DNS makes
 * a host of every address; LOGICAL_DNS uses the first address of its single endpoint. A failed
 * lookup keeps the last good hosts. Every round of lookups reports back, failed or not: as in
 * Envoy, the first one completes the cluster's initialization either way.
 */
import dns from 'node:dns';
import net from 'node:net';
import type { Cluster } from '@tandem/api/envoy';
import { Host, isHealthyStatus } from './host.ts';

export class DnsResolver {
  private readonly cluster: Cluster;
  /** Called after every round of lookups: the new hosts, or undefined when nothing resolved. */
  private readonly onHosts: (hosts: Host[] | undefined) => void;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Last error per endpoint name, for /clusters and logs. */
  lastError = '';

  constructor(cluster: Cluster, onHosts: (hosts: Host[] | undefined) => void) {
    this.cluster = cluster;
    this.onHosts = onHosts;
  }

  start(): void {
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private async refresh(): Promise<void> {
    const c = this.cluster;
    const hosts: Host[] = [];
    let failed = false;
    for (const loc of c.loadAssignment?.endpoints ?? []) {
      for (const ep of loc.lbEndpoints) {
        const addrs = await this.lookup(ep.address.address);
        if (addrs === undefined) {
          failed = true;
          continue;
        }
        const use = c.type === 'LOGICAL_DNS' ? addrs.slice(0, 1) : addrs;
        for (const a of use) {
          hosts.push(
            new Host(a, ep.address.portValue, {
              weight: ep.loadBalancingWeight,
              locality: loc.locality,
              priority: loc.priority,
              hostname: ep.hostname || ep.address.address,
              healthy: isHealthyStatus(ep.healthStatus),
            }),
          );
        }
      }
    }
    if (this.stopped) return;
    this.onHosts(!failed || hosts.length > 0 ? hosts : undefined);
    this.timer = setTimeout(() => void this.refresh(), c.dnsRefreshRateMs);
    this.timer.unref();
  }

  private async lookup(name: string): Promise<string[] | undefined> {
    if (net.isIP(name) !== 0) return [name];
    try {
      const res = await dns.promises.lookup(name, {
        all: true,
        family: familyOf(this.cluster.dnsLookupFamily),
      });
      const addrs = res.map((r) => r.address);
      if (this.cluster.dnsLookupFamily === 'V4_PREFERRED') addrs.sort((a, b) => net.isIP(a) - net.isIP(b));
      return addrs;
    } catch (err) {
      this.lastError = `cluster "${this.cluster.name}": dns lookup ${name}: ${(err as NodeJS.ErrnoException).code}`;
      return undefined;
    }
  }
}

function familyOf(f: Cluster['dnsLookupFamily']): 0 | 4 | 6 {
  if (f === 'V4_ONLY') return 4;
  if (f === 'V6_ONLY') return 6;
  return 0;
}
