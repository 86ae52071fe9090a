/**
 * Connection pool for HTTP/1.1 to one host: reuses idle keep-alive connections (most recently
 * used first, so idle ones age out), opens new ones on demand, and queues requests while
 * connections are being established.
 */
import type net from 'node:net';
import type { PoolCallbacks, UpstreamResponseHandler } from '../../http/codec.ts';
import type { IdleSweeper, SweptConnection } from '../../util/idle-sweeper.ts';
import type { ClusterStats } from '../cluster-stats.ts';
import type { ConnectionFactory } from '../connection-factory.ts';
import type { Host } from '../host.ts';
import type { ResourceManager } from '../resource-manager.ts';
import { Http1ClientConnection, type Http1ConnectionOwner } from './http1-client-connection.ts';

const DIRECT_READS = { directReads: true };

export type PoolRequester = PoolCallbacks & UpstreamResponseHandler;

export interface Http1PoolOptions {
  /** The cluster's circuit breakers by priority; connections count against DEFAULT. */
  limits: readonly [ResourceManager, ResourceManager];
  /** 0 means unlimited. */
  maxRequestsPerConnection: number;
  /** Close a connection idle this long; 0 disables. */
  idleTimeoutMs: number;
  /** Shared by the cluster's pools for idle timeouts. */
  sweeper: IdleSweeper;
}

export class Http1Pool implements Http1ConnectionOwner, SweptConnection {
  readonly host: Host;
  readonly hostKey: string;
  private readonly connect: ConnectionFactory;
  private readonly stats: ClusterStats;
  private readonly options: Http1PoolOptions;
  private readonly idle: Http1ClientConnection[] = [];
  private readonly pending: PoolRequester[] = [];
  private readonly all = new Set<Http1ClientConnection>();
  private connecting = 0;
  private draining = false;

  constructor(host: Host, connect: ConnectionFactory, stats: ClusterStats, options: Http1PoolOptions) {
    this.host = host;
    this.hostKey = host.key;
    this.connect = connect;
    this.stats = stats;
    this.options = options;
    if (options.idleTimeoutMs > 0) options.sweeper.add(this);
  }

  /** Closes connections that have sat idle longer than the idle timeout. */
  onSweep(): void {
    const idle = this.idle;
    for (let i = idle.length - 1; i >= 0; i--) {
      const conn = idle[i]!;
      if (!this.options.sweeper.expired(conn.idleSinceEpoch, this.options.idleTimeoutMs)) continue;
      idle.splice(i, 1);
      this.stats.upstreamCxIdleTimeout.inc();
      conn.socket.end();
    }
  }

  /** Number of open connections (idle + busy). */
  get connectionCount(): number {
    return this.all.size;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Asks for a connection; `onPoolReady` or `onPoolFailure` follows (maybe synchronously: a request
   * that would have to wait while pending requests are at their circuit breaker limit fails at
   * once with `overflow`).
   */
  newStream(requester: PoolRequester): void {
    const conn = this.popIdle();
    if (conn !== undefined) {
      this.stats.upstreamCxReuse.inc();
      return this.hand(conn, requester);
    }
    const limits = this.options.limits[requester.priority];
    if (!limits.canQueuePending()) {
      this.stats.upstreamRqPendingOverflow.inc();
      return requester.onPoolFailure('overflow', `upstream ${this.hostKey}: pending requests overflow`);
    }
    this.pending.push(requester);
    limits.adjustPending(1);
    this.stats.upstreamRqPendingTotal.inc();
    this.stats.upstreamRqPendingActive.inc();
    if (this.connecting < this.pending.length) this.tryOpenConnection();
  }

  /** Withdraws a request still waiting for a connection. */
  cancel(requester: PoolRequester): void {
    const i = this.pending.indexOf(requester);
    if (i < 0) return;
    this.pending.splice(i, 1);
    this.leftPending(requester);
    this.stats.upstreamRqCancelled.inc();
  }

  /** Closes idle connections now and busy ones when their exchange ends. */
  drain(): void {
    this.draining = true;
    this.options.sweeper.remove(this);
    for (const c of this.idle) c.socket.end();
    this.idle.length = 0;
  }

  // ------------------------------------------------------------ Http1ConnectionOwner

  onConnectionReusable(conn: Http1ClientConnection): void {
    const max = this.options.maxRequestsPerConnection;
    if (this.draining || (max > 0 && conn.requestCount >= max)) {
      if (max > 0 && conn.requestCount >= max) this.stats.upstreamCxMaxRequests.inc();
      conn.socket.end();
      return;
    }
    const next = this.pending.shift();
    if (next !== undefined) {
      this.leftPending(next);
      this.stats.upstreamCxReuse.inc();
      return this.hand(conn, next);
    }
    conn.idleSinceEpoch = this.options.sweeper.epoch;
    this.idle.push(conn);
  }

  onConnectionClosed(conn: Http1ClientConnection): void {
    if (!this.all.delete(conn)) return;
    this.stats.upstreamCxActive.dec();
    this.stats.upstreamCxDestroy.inc();
    this.options.limits[0].adjustConnections(-1);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // Requests held back by max_connections can use the room this connection leaves.
    if (!this.draining && this.pending.length > this.connecting) this.tryOpenConnection();
  }

  // ------------------------------------------------------------ internals

  private popIdle(): Http1ClientConnection | undefined {
    let conn = this.idle.pop();
    while (conn?.closed) conn = this.idle.pop();
    return conn;
  }

  private hand(conn: Http1ClientConnection, requester: PoolRequester): void {
    conn.assign(requester);
    requester.onPoolReady(conn);
  }

  private leftPending(requester: PoolRequester): void {
    this.stats.upstreamRqPendingActive.dec();
    this.options.limits[requester.priority].adjustPending(-1);
  }

  /**
   * Opens a connection unless the cluster is at max_connections; a pool with no connection at all
   * always opens one (as Envoy does), so its pending requests cannot starve.
   */
  private tryOpenConnection(): void {
    const limits = this.options.limits[0];
    if (!limits.canCreateConnection() && this.all.size + this.connecting > 0) {
      this.stats.upstreamCxOverflow.inc();
      return;
    }
    this.openConnection();
  }

  private openConnection(): void {
    this.options.limits[0].adjustConnections(1);
    this.connecting++;
    this.stats.upstreamCxTotal.inc();
    this.stats.upstreamCxHttp1Total.inc();
    this.connect(this.host, this.onConnected, this.onConnectFailed, DIRECT_READS);
  }

  private readonly onConnected = (socket: net.Socket): void => {
    this.connecting--;
    const conn = new Http1ClientConnection(this, socket);
    this.all.add(conn);
    this.stats.upstreamCxActive.inc();
    this.onConnectionReusable(conn);
  };

  private readonly onConnectFailed = (
    reason: 'connect-failure' | 'connect-timeout',
    detail: string,
  ): void => {
    this.connecting--;
    this.options.limits[0].adjustConnections(-1);
    if (reason === 'connect-timeout') this.stats.upstreamCxConnectTimeout.inc();
    else this.stats.upstreamCxConnectFail.inc();
    // Requests beyond the connections still being established have nothing left to wait for.
    while (this.pending.length > this.connecting) {
      const r = this.pending.shift()!;
      this.leftPending(r);
      this.stats.upstreamRqPendingFailureEject.inc();
      r.onPoolFailure(reason, detail);
    }
  };
}
