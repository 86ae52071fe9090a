/** The access log view of one proxied TCP connection, filled in as it goes. */
import type { DownstreamConnectionInfo } from '../http/request-head.ts';
import type { LogEntry } from './log-entry.ts';

export class TcpLogEntry implements LogEntry {
  readonly head = undefined;
  readonly conn: DownstreamConnectionInfo;
  readonly startWallMs: number;
  readonly responseStatus = 0;
  responseFlags = '';
  requestBodyBytes = 0;
  responseBodyBytes = 0;
  upstreamHost = '';
  readonly upstreamCluster: string;
  readonly routeName = '';
  readonly responseHeaders = undefined;
  readonly responseTrailers = undefined;
  readonly grpcStatus = -1;
  readonly traceId = '';

  constructor(conn: DownstreamConnectionInfo, cluster: string, startWallMs: number) {
    this.conn = conn;
    this.upstreamCluster = cluster;
    this.startWallMs = startWallMs;
  }
}
