/**
 * What Istio's metrics say about a connection's security, on the server (destination) side: with a
 * verified client certificate (mutual TLS) the peer's SPIFFE ID is `source_principal`, this workload's
 * own is `destination_principal`, and `connection_security_policy` is `mutual_tls`; otherwise the
 * principals are unknown and the policy is `none`. (The client side reports `unknown`, as Istio does.)
 */
import type { DownstreamConnectionInfo } from '../http/request-head.ts';
import { firstUriSan } from '../tls/subject-alt-names.ts';

export interface ConnectionSecurity {
  /** The peer's SPIFFE ID ('' without mutual TLS). */
  readonly peer: string;
  /** This workload's SPIFFE ID, from the certificate it presented ('' when unknown). */
  readonly local: string;
  readonly policy: 'mutual_tls' | 'none';
}

export const PLAINTEXT: ConnectionSecurity = Object.freeze({ peer: '', local: '', policy: 'none' });

/** Resolves the full picture once per distinct peer principal (it reads the local certificate). */
export function connectionSecurity(conn: DownstreamConnectionInfo): ConnectionSecurity {
  const peer = conn.peerPrincipal ?? '';
  if (peer === '') return PLAINTEXT;
  return {
    peer,
    local: firstUriSan(conn.tlsSocket?.getX509Certificate()?.subjectAltName),
    policy: 'mutual_tls',
  };
}
