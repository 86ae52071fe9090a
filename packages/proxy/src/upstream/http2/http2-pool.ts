/**
 * Connection pool for HTTP/2 to one host: one multiplexed session, opened on first use and
 * replaced when it closes or goes away. Requests wait while the session is being established.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import type { Http2ProtocolOptions } from '@tandem/api';
import type { ClusterStats } from '../cluster-stats.ts';
import type { ConnectFailure, ConnectionFactory } from '../connection-factory.ts';
import type { Host } from '../host.ts';
import type { PoolRequester } from '../http1/http1-pool.ts';
import { Http2UpstreamRequest } from './http2-upstream-request.ts';

export class Http2Pool {
  readonly host: Host;
  private readonly connect: ConnectionFactory;
  private readonly stats: ClusterStats;
  private readonly options: Http2ProtocolOptions;
  private readonly scheme: string;
  private readonly idleTimeoutMs: number;
  private session: http2.ClientHttp2Session | undefined;
  private connecting = false;
  private readonly pending: PoolRequester[] = [];
  private active = 0;

  constructor(
    host: Host,
    connect: ConnectionFactory,
    stats: ClusterStats,
    opts: { http2: Http2ProtocolOptions; tls: boolean; idleTimeoutMs: number },
  ) {
    this.host = host;
    this.connect = connect;
    this.stats = stats;
    this.options = opts.http2;
    this.scheme = opts.tls ? 'https' : 'http';
    this.idleTimeoutMs = opts.idleTimeoutMs;
  }

  get connectionCount(): number {
    return this.session === undefined ? 0 : 1;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  newStream(requester: PoolRequester): void {
    const s = this.session;
    if (s !== undefined && !s.closed && !s.destroyed) return this.hand(s, requester);
    this.pending.push(requester);
    this.stats.upstreamRqPendingTotal.inc();
    this.stats.upstreamRqPendingActive.inc();
    if (!this.connecting) this.open();
  }

  cancel(requester: PoolRequester): void {
    const i = this.pending.indexOf(requester);
    if (i < 0) return;
    this.pending.splice(i, 1);
    this.stats.upstreamRqPendingActive.dec();
    this.stats.upstreamRqCancelled.inc();
  }

  drain(): void {
    const s = this.session;
    this.session = undefined;
    if (s !== undefined && !s.closed) s.close();
  }

  private hand(session: http2.ClientHttp2Session, requester: PoolRequester): void {
    this.active++;
    requester.onPoolReady(new Http2UpstreamRequest(session, this.host.key, requester, this.onStreamSettled));
  }

  private readonly onStreamSettled = (): void => {
    this.active--;
  };

  private open(): void {
    this.connecting = true;
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
    this.session = session;
    this.stats.upstreamCxActive.inc();
    session.on('connect', () => {
      const w = o.initialConnectionWindowSize;
      if (w > 65535) session.setLocalWindowSize(Math.min(w, 2 ** 31 - 1));
    });
    session.on('error', noop);
    session.on('goaway', () => {
      if (this.session === session) this.session = undefined;
    });
    session.on('close', () => {
      this.stats.upstreamCxActive.dec();
      this.stats.upstreamCxDestroy.inc();
      if (this.session === session) this.session = undefined;
    });
    if (this.idleTimeoutMs > 0) {
      session.setTimeout(this.idleTimeoutMs, () => {
        if (this.active === 0) {
          this.stats.upstreamCxIdleTimeout.inc();
          session.close();
        }
      });
    }
    const waiting = this.pending.splice(0);
    for (const r of waiting) {
      this.stats.upstreamRqPendingActive.dec();
      this.hand(session, r);
    }
  };

  private readonly onConnectFailed = (reason: ConnectFailure, detail: string): void => {
    this.connecting = false;
    if (reason === 'connect-timeout') this.stats.upstreamCxConnectTimeout.inc();
    else this.stats.upstreamCxConnectFail.inc();
    const waiting = this.pending.splice(0);
    for (const r of waiting) {
      this.stats.upstreamRqPendingActive.dec();
      this.stats.upstreamRqPendingFailureEject.inc();
      r.onPoolFailure(reason, detail);
    }
  };
}

function noop(): void {}
