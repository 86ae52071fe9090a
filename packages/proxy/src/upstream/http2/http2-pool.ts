/**
 * Connection pool for HTTP/2 to one host: one multiplexed session, opened on first use and
 * replaced when it closes or goes away. Requests wait while the session is being established.
 * With max_requests_per_connection, a session that has carried that many streams takes no new
 * ones and is closed once they have finished; the next request opens a fresh session.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import type { Http2ProtocolOptions } from '@tandem/api/envoy';
import type { ClusterStats } from '../cluster-stats.ts';
import type { ConnectFailure, ConnectionFactory } from '../connection-factory.ts';
import type { Host } from '../host.ts';
import type { PoolRequester } from '../http1/http1-pool.ts';
import type { ResourceManager } from '../resource-manager.ts';
import { Http2UpstreamRequest } from './http2-upstream-request.ts';

/** One upstream session and the streams it carries. */
class PooledSession {
  readonly session: http2.ClientHttp2Session;
  /** Streams opened on it so far. */
  opened = 0;
  /** Streams not settled yet. */
  active = 0;
  /** Takes no new streams; closed when the last active one settles. */
  retired = false;

  constructor(session: http2.ClientHttp2Session) {
    this.session = session;
  }

  /** Given to each of its requests; called once per stream. */
  readonly onStreamSettled = (): void => {
    if (--this.active === 0 && this.retired) this.session.close();
  };
}

export class Http2Pool {
  readonly host: Host;
  private readonly connect: ConnectionFactory;
  private readonly stats: ClusterStats;
  private readonly options: Http2ProtocolOptions;
  private readonly scheme: string;
  private readonly idleTimeoutMs: number;
  /** 0 means unlimited. */
  private readonly maxRequestsPerConnection: number;
  private current: PooledSession | undefined;
  private connecting = false;
  private readonly pending: PoolRequester[] = [];
  private readonly limits: readonly [ResourceManager, ResourceManager];

  constructor(
    host: Host,
    connect: ConnectionFactory,
    stats: ClusterStats,
    opts: {
      http2: Http2ProtocolOptions;
      tls: boolean;
      idleTimeoutMs: number;
      maxRequestsPerConnection: number;
      limits: readonly [ResourceManager, ResourceManager];
    },
  ) {
    this.host = host;
    this.connect = connect;
    this.stats = stats;
    this.options = opts.http2;
    this.scheme = opts.tls ? 'https' : 'http';
    this.idleTimeoutMs = opts.idleTimeoutMs;
    this.maxRequestsPerConnection = opts.maxRequestsPerConnection;
    this.limits = opts.limits;
  }

  get connectionCount(): number {
    return this.current === undefined ? 0 : 1;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  newStream(requester: PoolRequester): void {
    const p = this.current;
    if (p !== undefined && !p.session.closed && !p.session.destroyed) return this.hand(p, requester);
    const limits = this.limits[requester.priority];
    if (!limits.canQueuePending()) {
      this.stats.upstreamRqPendingOverflow.inc();
      return requester.onPoolFailure('overflow', `upstream ${this.host.key}: pending requests overflow`);
    }
    this.pending.push(requester);
    limits.adjustPending(1);
    this.stats.upstreamRqPendingTotal.inc();
    this.stats.upstreamRqPendingActive.inc();
    if (!this.connecting) this.open();
  }

  cancel(requester: PoolRequester): void {
    const i = this.pending.indexOf(requester);
    if (i < 0) return;
    this.pending.splice(i, 1);
    this.leftPending(requester);
    this.stats.upstreamRqCancelled.inc();
  }

  private leftPending(requester: PoolRequester): void {
    this.stats.upstreamRqPendingActive.dec();
    this.limits[requester.priority].adjustPending(-1);
  }

  drain(): void {
    const p = this.current;
    this.current = undefined;
    if (p !== undefined && !p.session.closed) p.session.close();
  }

  private hand(p: PooledSession, requester: PoolRequester): void {
    p.active++;
    const max = this.maxRequestsPerConnection;
    if (max > 0 && ++p.opened >= max) {
      // Its last stream: later requests go to a new session. Closing waits for the streams to
      // finish (a GOAWAY sent right after a new stream's HEADERS can get that stream refused).
      p.retired = true;
      this.current = undefined;
      this.stats.upstreamCxMaxRequests.inc();
    }
    requester.onPoolReady(new Http2UpstreamRequest(p.session, this.host.key, requester, p.onStreamSettled));
  }

  private open(): void {
    this.connecting = true;
    this.limits[0].adjustConnections(1);
    this.stats.upstreamCxTotal.inc();
    this.stats.upstreamCxHttp2Total.inc();
    this.connect(this.host, this.onConnected, this.onConnectFailed);
  }

  private readonly onConnected = (socket: net.Socket): void => {
    this.connecting = false;
    const o = this.options;
    const session = http2.connect(`${this.scheme}://${this.host.key}`, {
      createConnection: () => socket,
      settings: {
        enablePush: false,
        maxConcurrentStreams: Math.min(o.maxConcurrentStreams, 2 ** 31 - 1),
        initialWindowSize: Math.min(o.initialStreamWindowSize, 2 ** 31 - 1),
      },
    });
    const pooled = new PooledSession(session);
    this.current = pooled;
    this.stats.upstreamCxActive.inc();
    session.on('connect', () => {
      const w = o.initialConnectionWindowSize;
      if (w > 65535) session.setLocalWindowSize(Math.min(w, 2 ** 31 - 1));
    });
    session.on('error', noop);
    session.on('goaway', () => {
      if (this.current === pooled) this.current = undefined;
    });
    session.on('close', () => {
      this.limits[0].adjustConnections(-1);
      this.stats.upstreamCxActive.dec();
      this.stats.upstreamCxDestroy.inc();
      if (this.current === pooled) this.current = undefined;
    });
    if (this.idleTimeoutMs > 0) {
      // Not setTimeout(ms, callback): that listens once, and the first timeout may find a stream.
      session.setTimeout(this.idleTimeoutMs);
      session.on('timeout', () => {
        if (pooled.active === 0 && !session.closed) {
          this.stats.upstreamCxIdleTimeout.inc();
          session.close();
        }
      });
    }
    const waiting = this.pending.splice(0);
    for (let i = 0; i < waiting.length; i++) {
      if (this.current !== pooled) {
        // The session reached max_requests_per_connection: the rest wait for the next one.
        this.pending.unshift(...waiting.slice(i));
        return this.open();
      }
      this.leftPending(waiting[i]!);
      this.hand(pooled, waiting[i]!);
    }
  };

  private readonly onConnectFailed = (reason: ConnectFailure, detail: string): void => {
    this.connecting = false;
    this.limits[0].adjustConnections(-1);
    if (reason === 'connect-timeout') this.stats.upstreamCxConnectTimeout.inc();
    else this.stats.upstreamCxConnectFail.inc();
    const waiting = this.pending.splice(0);
    for (const r of waiting) {
      this.leftPending(r);
      this.stats.upstreamRqPendingFailureEject.inc();
      r.onPoolFailure(reason, detail);
    }
  };
}

function noop(): void {}
