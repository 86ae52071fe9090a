import type tls from 'node:tls';

/**
 * The chain-verification result of a completed handshake: undefined when the peer chain
 * verified against the context's CAs, else the OpenSSL code (e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`).
 *
 * Node only copies this result into `authorized`/`authorizationError` for sockets created by a
 * tls.Server or tls.connect; a standalone `new tls.TLSSocket(socket, { isServer: true })` (how
 * a proxy wraps an accepted and inspected socket) leaves both unset. The result is then read from
 * the TLS handle, as Node's own server does. If that is ever unavailable, verification fails
 * closed with `VERIFY_RESULT_UNAVAILABLE`.
 */
export function peerVerifyError(socket: tls.TLSSocket): string | undefined {
  if (socket.authorized) return undefined;
  if (socket.authorizationError) return String(socket.authorizationError);
  const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  if (typeof handle?.verifyError !== 'function') return 'VERIFY_RESULT_UNAVAILABLE';
  const err = handle.verifyError();
  if (!err) return undefined;
  return (err as NodeJS.ErrnoException).code ?? err.message;
}
