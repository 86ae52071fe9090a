import type tls from 'node:tls';
import type { HeaderMap } from './header-map.ts';

/**
 * The head of a request as every HTTP filter and the router see it, whatever the downstream
 * protocol was. HTTP/1.1's request line and Host header map onto the HTTP/2 pseudo-headers.
 */
export interface RequestHead {
  /** `:method`, upper-case as received. */
  method: string;
  /** `:path`: origin-form path with query, e.g. `/a/b?x=1`. */
  path: string;
  /** `:authority` (HTTP/2) or the Host header (HTTP/1.1), as received. */
  authority: string;
  /** `:scheme`: `http` or `https`. */
  scheme: string;
  /** Regular headers, lower-case names, without pseudo-headers and without Host. */
  headers: HeaderMap;
  /** Downstream protocol: `HTTP/1.0`, `HTTP/1.1` or `HTTP/2`. */
  protocol: 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2';
}

/** Connection facts filters and hash policies may read. */
export interface DownstreamConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** True when the downstream connection is TLS. */
  tls: boolean;
  /** SNI the client sent, or ''. */
  serverName: string;
  /**
   * The peer's identity on a mutual TLS connection: the first URI SAN (the SPIFFE ID) of the client
   * certificate; '' or absent for plaintext or TLS without a client certificate. What authorization matches
   * `principals` against, and the seam for metrics' `source_principal`.
   */
  peerPrincipal?: string;
  /** The terminated TLS socket (mutual TLS details for x-forwarded-client-cert are read from it lazily). */
  tlsSocket?: tls.TLSSocket;
  /** This connection's x-forwarded-client-cert element, built on first use. */
  xfccElement?: string;
}
