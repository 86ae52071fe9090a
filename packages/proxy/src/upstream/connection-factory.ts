/**
 * Opens transport connections to upstream hosts: plain TCP or TLS, with the cluster's connect
 * timeout. Failures name the cluster and the endpoint.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Host } from './host.ts';

export type ConnectFailure = 'connect-failure' | 'connect-timeout';

export type ConnectionFactory = (
  host: Host,
  onConnected: (socket: net.Socket) => void,
  onFailed: (reason: ConnectFailure, detail: string) => void,
  options?: { directReads?: boolean },
) => void;

/**
 * One read buffer for every plain-TCP upstream connection that asks for direct reads: the kernel
 * copies into it, and the bytes are copied out to a right-sized Buffer and emitted as 'data'.
 * This skips the Readable stream machinery (and a 64 KiB allocation) on every read; it is safe
 * because reads are delivered one at a time on the event loop.
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export interface ConnectionFactoryOptions {
  clusterName: string;
  connectTimeoutMs: number;
  /** TLS options for tls.connect (from the cluster's UpstreamTlsContext); undefined for plain TCP. */
  tls: tls.ConnectionOptions | undefined;
}

export function buildConnectionFactory(opts: ConnectionFactoryOptions): ConnectionFactory {
  const { clusterName, connectTimeoutMs } = opts;
  const tlsOptions = opts.tls;
  return (host, onConnected, onFailed, options) => {
    const socket: net.Socket =
      tlsOptions === undefined
        ? net.connect({
            host: host.address,
            port: host.port,
            noDelay: true,
            ...(options?.directReads ? { onread: directRead(() => socket) } : {}),
          })
        : tls.connect({ ...tlsOptions, host: host.address, port: host.port });
    socket.setNoDelay(true);
    let settled = false;
    const fail = (reason: ConnectFailure, detail: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      onFailed(reason, `cluster "${clusterName}": endpoint ${host.key}: ${detail}`);
    };
    const timer =
      connectTimeoutMs > 0
        ? setTimeout(
            () => fail('connect-timeout', `connect timeout after ${connectTimeoutMs} ms`),
            connectTimeoutMs,
          )
        : undefined;
    const onError = (err: NodeJS.ErrnoException): void =>
      fail('connect-failure', `connect ${err.code ?? err.message}`);
    socket.once('error', onError);
    socket.once(tlsOptions === undefined ? 'connect' : 'secureConnect', () => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.removeListener('error', onError);
      onConnected(socket);
    });
  };
}

function directRead(socket: () => net.Socket): net.OnReadOpts {
  return {
    buffer: SHARED_READ_BUFFER,
    callback: (n: number, buf: Uint8Array) => {
      socket().emit('data', Buffer.from(buf.subarray(0, n)));
      return true;
    },
  };
}
