/**
 * What Istio's metrics say about a connection's security, on the server (destination) side: with a
 * verified client certificate (mutual TLS) the peer's SPIFFE ID is `source_principal`, this workload's
 * own is `destination_principal`, and `connection_security_policy` is `mutual_tls`; otherwise the
 * principals are unknown and the policy is `none`. (The client side reports `unknown`, as Istio does.)
 */
import type { DownstreamConnectionInfo } from '../http/request-head.ts';

export interface ConnectionSecurity {
  /** The peer's SPIFFE ID ('' without mutual TLS). */
  readonly peer: string;
  /** This workload's SPIFFE ID, from the certificate it presented ('' when unknown). */
  readonly local: string;
  readonly policy: 'mutual_tls' | 'none';
}

export const PLAINTEXT: ConnectionSecurity = Object.freeze({ peer: '', local: '', policy: 'none' });

/** The peer principal of a downstream connection, '' when it has none (cheap: read per request). */
export function peerPrincipalOf(conn: DownstreamConnectionInfo): string {
  return conn.peerPrincipal ?? '';
}

/** Resolves the full picture once per distinct peer principal (it reads the local certificate). */
export function connectionSecurity(conn: DownstreamConnectionInfo): ConnectionSecurity {
  const peer = peerPrincipalOf(conn);
  if (peer === '') return PLAINTEXT;
  const san = conn.tlsSocket?.getCertificate?.();
  const uri =
    san !== null && san !== undefined && 'subjectaltname' in san
      ? /URI:(spiffe:\/\/[^,\s]+)/.exec(String(san.subjectaltname ?? ''))?.[1]
      : undefined;
  return { peer, local: uri ?? '', policy: 'mutual_tls' };
}
