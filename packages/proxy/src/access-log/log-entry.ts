/**
 * What an access log line is made from. An `HttpStream` is one as it stands (no copy per request);
 * a TCP connection builds one when it closes.
 */
import type { HeaderMap } from '../http/header-map.ts';
import type { DownstreamConnectionInfo, RequestHead } from '../http/request-head.ts';

export interface LogEntry {
  /** The request as forwarded; undefined for TCP. */
  readonly head: RequestHead | undefined;
  readonly conn: DownstreamConnectionInfo;
  readonly startWallMs: number;
  /** 0 when no response was sent (and for TCP). */
  readonly responseStatus: number;
  readonly responseFlags: string;
  readonly requestBodyBytes: number;
  readonly responseBodyBytes: number;
  readonly upstreamHost: string;
  readonly upstreamCluster: string;
  readonly routeName: string;
  readonly responseHeaders: HeaderMap | undefined;
  readonly responseTrailers: HeaderMap | undefined;
  /** -1 when none. */
  readonly grpcStatus: number;
  /** Hex trace id when the request was traced, else ''. */
  readonly traceId: string;
}
