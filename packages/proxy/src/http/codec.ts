/**
 * The seams between codecs and streams. A downstream codec (HTTP/1 or HTTP/2) turns bytes into
 * `HttpStream`s and offers a `ResponseEncoder` per stream; an upstream codec offers an
 * `UpstreamRequest` and reports back through `UpstreamResponseHandler`. Both sides signal
 * backpressure the same way: a write returns false, and a later `...Writable()` call says go on.
 */
import type net from 'node:net';
import type { HeaderMap } from './header-map.ts';
import type { RequestHead } from './request-head.ts';

export interface ResponseEncoder {
  /** Sends the response head; `endStream` when there is no body. */
  encodeHeaders(status: number, headers: HeaderMap, endStream: boolean): void;
  /** Sends body bytes; returns false when the downstream buffer is full. */
  encodeData(chunk: Buffer, endStream: boolean): boolean;
  /** Ends the response with trailers (dropped where the protocol cannot carry them). */
  encodeTrailers(trailers: HeaderMap): void;
  /** Aborts the response: HTTP/1 closes the connection, HTTP/2 resets the stream. */
  resetStream(): void;
  /** Stops or restarts reading the request body (backpressure from upstream). */
  readDisable(disable: boolean): void;
  /** For an accepted upgrade (101): hands over the raw downstream socket and any bytes read past the head. */
  takeSocket(): { socket: net.Socket; rest: Buffer | undefined } | undefined;
  /** Whether the client said it accepts trailers (`te: trailers`) and the protocol carries them. */
  readonly trailersAllowed: boolean;
}

export type UpstreamResetReason =
  | 'connect-failure'
  | 'connect-timeout'
  | 'remote-reset'
  | 'local-reset'
  | 'protocol-error'
  /** HTTP/2 REFUSED_STREAM: the upstream did not process the request (safe to retry). */
  | 'refused-stream'
  /** A circuit breaker refused the request (pending requests or connections at their limit). */
  | 'overflow';

export interface UpstreamResponseHandler {
  /** 1xx interim responses are not passed here; the final head is. */
  onUpstreamHeaders(status: number, headers: HeaderMap, endStream: boolean): void;
  onUpstreamData(chunk: Buffer, endStream: boolean): void;
  onUpstreamTrailers(trailers: HeaderMap): void;
  onUpstreamReset(reason: UpstreamResetReason, detail: string): void;
  /** The upstream connection can take more request body. */
  onUpstreamWritable(): void;
  /** The upstream accepted an upgrade (101); its raw socket and bytes past the head. */
  onUpstreamUpgrade(headers: HeaderMap, socket: net.Socket, rest: Buffer | undefined): void;
}

export interface UpstreamRequest {
  encodeHeaders(head: RequestHead, endStream: boolean): void;
  /** Returns false when the upstream buffer is full; `onUpstreamWritable` follows. */
  encodeData(chunk: Buffer, endStream: boolean): boolean;
  encodeTrailers(trailers: HeaderMap): void;
  /** Abandons the request; the connection is closed or the stream reset. */
  reset(): void;
  /** Stops or restarts reading the response (backpressure from downstream). */
  readDisable(disable: boolean): void;
  /** `address:port` of the upstream host, for logs and headers. */
  readonly hostKey: string;
  /** The request went out on a kept-alive connection that had carried earlier requests. */
  readonly reusedConnection: boolean;
}

/** What a connection pool tells the requester once a connection is available (or not). */
export interface PoolCallbacks {
  /** Circuit breaker priority of the request: 0 DEFAULT, 1 HIGH. */
  readonly priority: 0 | 1;
  onPoolReady(request: UpstreamRequest): void;
  onPoolFailure(reason: UpstreamResetReason, detail: string): void;
}

/** A pending or granted pool request; `cancel` withdraws a pending one. */
export interface PoolHandle {
  cancel(): void;
}
