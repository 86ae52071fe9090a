/**
 * A completed handshake's peer was refused by Envoy-style verification done after the handshake:
 * no certificate when one is required, a chain that does not verify against the trusted CA, or
 * no SAN matching the configured matchers. The connection must be closed.
 */
export class TlsPeerError extends Error {
  readonly code = 'TANDEM_ERR_TLS_PEER';
  readonly target: string | undefined;

  constructor(target: string | undefined, reason: string) {
    super(`tls peer verification${target ? ` for ${target}` : ''}: ${reason}`);
    this.name = 'TlsPeerError';
    this.target = target;
  }
}
