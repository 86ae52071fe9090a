/**
 * A cluster at run time: its hosts (static, from DNS, or from EDS), the load balancer built over
 * them, a connection pool per host and protocol, and its stats. Host updates rebuild the load
 * balancer and keep the pools of hosts that stay.
 */
import type { Cluster, ClusterLoadAssignment } from '@tandem/api';
import type { Counter, StatsScope } from '../stats/stats.ts';
import { TandemError } from '../util/errors.ts';
import { IdleSweeper, sweepIntervalMs } from '../util/idle-sweeper.ts';
import { ClusterStats } from './cluster-stats.ts';
import { buildConnectionFactory, type ConnectionFactory } from './connection-factory.ts';
import { DnsResolver } from './dns-resolver.ts';
import { Host } from './host.ts';
import { Http1Pool } from './http1/http1-pool.ts';
import { Http2Pool } from './http2/http2-pool.ts';
import { getLoadBalancerFactory } from './lb/lb-registry.ts';
import type { LbContext, LoadBalancer } from './lb/load-balancer.ts';
import { buildPrioritySet, localityWeightsOf } from './lb/priority-set.ts';
import type { UpstreamTransport } from './upstream-transport.ts';

export type UpstreamProtocol = 'http1' | 'http2';

export class ClusterRuntime {
  readonly name: string;
  readonly config: Cluster;
  readonly stats: ClusterStats;
  private readonly connect: ConnectionFactory;
  private readonly tls: boolean;
  /** TLS per host, following its SDS secrets; undefined for a plaintext cluster. */
  readonly transport: UpstreamTransport | undefined;
  private readonly random: () => number;
  private hosts: Host[] = [];
  private lb: LoadBalancer;
  private dns: DnsResolver | undefined;
  private initialized = false;
  private readonly initWaiters: (() => void)[] = [];
  /** Idle timeouts of this cluster's upstream connections. */
  private readonly sweeper: IdleSweeper;
  private localityWeights: ReadonlyMap<string, number> | undefined;
  private readonly lbStats: { healthyPanic: Counter };

  constructor(
    config: Cluster,
    scope: StatsScope,
    transport: UpstreamTransport | undefined,
    random = Math.random,
  ) {
    this.name = config.name;
    this.config = config;
    this.stats = new ClusterStats(scope.scope(`cluster.${config.name}.`));
    this.transport = transport;
    this.tls = transport?.defaultTls ?? false;
    this.random = random;
    this.connect = buildConnectionFactory({
      clusterName: config.name,
      connectTimeoutMs: config.connectTimeoutMs,
      transport,
    });
    this.lbStats = { healthyPanic: this.stats.lbHealthyPanic };
    this.sweeper = new IdleSweeper(sweepIntervalMs(config.idleTimeoutMs));
    this.lb = this.buildLb();
    this.start();
  }

  /** Resolves once the cluster has its first set of hosts (DNS or EDS answered, or static). */
  /** Resolves once the cluster has its first hosts and the TLS secrets it names (SDS). */
  whenInitialized(): Promise<void> {
    const hosts = this.initialized
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.initWaiters.push(resolve));
    return this.transport === undefined ? hosts : Promise.all([hosts, this.transport.whenReady()]).then(noop);
  }

  get isInitialized(): boolean {
    return this.initialized && (this.transport?.ready ?? true);
  }

  get allHosts(): readonly Host[] {
    return this.hosts;
  }

  chooseHost(ctx: LbContext | undefined): Host | undefined {
    return this.lb.chooseHost(ctx);
  }

  /** The pool for `host`, created on first use. */
  pool(host: Host, protocol: UpstreamProtocol): Http1Pool | Http2Pool {
    if (protocol === 'http2') {
      return (host.http2Pool ??= new Http2Pool(host, this.connect, this.stats, {
        http2: this.config.http2,
        tls: this.tls,
        idleTimeoutMs: this.config.idleTimeoutMs,
        maxRequestsPerConnection: this.config.maxRequestsPerConnection,
      }));
    }
    return (host.http1Pool ??= new Http1Pool(host, this.connect, this.stats, {
      maxRequestsPerConnection: this.config.maxRequestsPerConnection,
      idleTimeoutMs: this.config.idleTimeoutMs,
      sweeper: this.sweeper,
    }));
  }

  /** Opens a raw transport connection to `host` (TCP proxy). */
  connectTcp(
    host: Host,
    onConnected: Parameters<ConnectionFactory>[1],
    onFailed: Parameters<ConnectionFactory>[2],
  ): void {
    this.connect(host, onConnected, onFailed);
  }

  /** Replaces the endpoints (EDS). Hosts with the same address keep their pools. */
  updateLoadAssignment(cla: ClusterLoadAssignment): void {
    const next: Host[] = [];
    for (const loc of cla.endpoints) {
      for (const ep of loc.lbEndpoints) next.push(Host.fromEndpoint(ep, loc.locality, loc.priority));
    }
    this.localityWeights = localityWeightsOf(cla);
    this.setHosts(next, cla.overprovisioningFactor);
    this.markInitialized();
  }

  /** Closes idle upstream connections and stops DNS refresh. */
  shutdown(): void {
    this.dns?.stop();
    this.transport?.close();
    for (const h of this.hosts) {
      h.http1Pool?.drain();
      h.http2Pool?.drain();
    }
  }

  // ------------------------------------------------------------ internals

  private start(): void {
    const c = this.config;
    if (c.type === 'STATIC' && c.loadAssignment !== undefined) {
      this.updateLoadAssignment(c.loadAssignment);
    } else if ((c.type === 'STRICT_DNS' || c.type === 'LOGICAL_DNS') && c.loadAssignment !== undefined) {
      this.dns = new DnsResolver(c, (hosts) => {
        if (hosts !== undefined) this.setHosts(hosts, c.loadAssignment!.overprovisioningFactor);
        this.markInitialized();
      });
      this.dns.start();
    } else if (c.type !== 'EDS') {
      // No endpoints: an empty cluster is usable (503 UH).
      this.markInitialized();
    }
    // EDS: initialized by its first ClusterLoadAssignment (the owner bounds the wait).
  }

  private setHosts(next: Host[], overprovisioningFactor: number): void {
    const old = new Map(this.hosts.map((h) => [h.key + '#' + h.priority, h]));
    const merged = next.map((h) => {
      const prev = old.get(h.key + '#' + h.priority);
      if (prev === undefined) return h;
      old.delete(h.key + '#' + h.priority);
      prev.weight = h.weight;
      prev.healthy = h.healthy;
      if (JSON.stringify(prev.transportSocketMatch) !== JSON.stringify(h.transportSocketMatch)) {
        // Another transport socket applies now: new connections only.
        prev.transportSocketMatch = h.transportSocketMatch;
        prev.http1Pool?.drain();
        prev.http2Pool?.drain();
        prev.http1Pool = undefined;
        prev.http2Pool = undefined;
      }
      return prev;
    });
    for (const gone of old.values()) {
      gone.http1Pool?.drain();
      gone.http2Pool?.drain();
    }
    this.hosts = merged;
    this.stats.membershipTotal.set(merged.length);
    this.stats.membershipHealthy.set(merged.filter((h) => h.healthy).length);
    this.lb = this.buildLb(overprovisioningFactor);
  }

  private buildLb(overprovisioningFactor = 140): LoadBalancer {
    const set = buildPrioritySet(this.hosts, overprovisioningFactor, this.localityWeights);
    const factory = getLoadBalancerFactory(this.config.lbPolicy);
    if (factory === undefined) {
      throw new TandemError(
        'TANDEM_ERR_LB_CONFIG',
        `cluster "${this.name}": no load balancer for ${this.config.lbPolicy}`,
      );
    }
    return factory.create(set, this.config, this.random, this.lbStats);
  }

  private markInitialized(): void {
    if (this.initialized) return;
    this.initialized = true;
    for (const w of this.initWaiters.splice(0)) w();
  }
}

function noop(): void {}
