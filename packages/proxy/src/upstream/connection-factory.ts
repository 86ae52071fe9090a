/**
 * Opens transport connections to upstream hosts: plain TCP or TLS (per host, from the cluster's transport
 * socket and its matches), with the cluster's connect timeout. Failures name the cluster and the endpoint.
 */
import net from 'node:net';
import tls from 'node:tls';
import { directReadOptions } from '../util/direct-reads.ts';
import type { Host } from './host.ts';
import { TLS_NOT_READY, type UpstreamTransport } from './upstream-transport.ts';

export type ConnectFailure = 'connect-failure' | 'connect-timeout';

export type ConnectionFactory = (
  host: Host,
  onConnected: (socket: net.Socket) => void,
  onFailed: (reason: ConnectFailure, detail: string) => void,
  options?: { directReads?: boolean },
) => void;

export interface ConnectionFactoryOptions {
  clusterName: string;
  connectTimeoutMs: number;
  /** TLS per host (from the cluster's UpstreamTlsContexts); undefined for plain TCP to every host. */
  transport: UpstreamTransport | undefined;
}

export function buildConnectionFactory(opts: ConnectionFactoryOptions): ConnectionFactory {
  const { clusterName, connectTimeoutMs, transport } = opts;
  return (host, onConnected, onFailed, options) => {
    const tlsOptions = transport?.connectOptions(host);
    if (tlsOptions === TLS_NOT_READY) {
      const detail = `cluster "${clusterName}": endpoint ${host.key}: TLS secrets not received yet`;
      return void queueMicrotask(() => onFailed('connect-failure', detail));
    }
    const socket: net.Socket =
      tlsOptions === undefined
        ? net.connect({
            host: host.address,
            port: host.port,
            noDelay: true,
            ...(options?.directReads ? { onread: directReadOptions(() => socket) } : {}),
          })
        : tls.connect({
            ...tlsOptions,
            host: host.address,
            port: host.port,
            ...(options?.directReads ? { onread: directReadOptions(() => socket) } : {}),
          });
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
