import net from 'node:net';
import tls from 'node:tls';
import type { CommonTlsContext, DataSource, SanMatcher } from '@tandem/api/envoy';
import type { ClientTlsOptions } from '../client-tls-options.ts';
import type { ServerTlsOptions } from '../server-tls-options.ts';

/** Test-only helpers: a TLS echo server the way a proxy listener wraps sockets, and a client. */

export const fileSource = (filename: string): DataSource => ({ kind: 'filename', filename });

export function commonTls(partial: Partial<CommonTlsContext> = {}): CommonTlsContext {
  return {
    tlsParams: undefined,
    tlsCertificates: [],
    tlsCertificateSdsSecretConfigs: [],
    validationContext: undefined,
    validationContextSdsSecretConfig: undefined,
    alpnProtocols: [],
    ...partial,
  };
}

export const uriSan = (value: string): SanMatcher => ({
  sanType: 'URI',
  matcher: { kind: 'exact', value, ignoreCase: false },
});

/** What the server saw for one connection. */
export interface ServerOutcome {
  error?: Error;
  alpn?: string | false | null;
  servername?: string | false;
  protocol?: string | null;
  peerSubjectAltName?: string;
}

export interface EchoServer {
  readonly port: number;
  /** The outcome of the next connection the server finishes (handshake + verification). */
  nextOutcome(): Promise<ServerOutcome>;
  close(): Promise<void>;
}

export async function startEchoServer(serverTls: ServerTlsOptions): Promise<EchoServer> {
  const outcomes: ServerOutcome[] = [];
  const waiters: ((o: ServerOutcome) => void)[] = [];
  const report = (o: ServerOutcome) => {
    const waiter = waiters.shift();
    if (waiter) waiter(o);
    else outcomes.push(o);
  };
  const server = net.createServer((raw) => {
    const socket = new tls.TLSSocket(raw, serverTls);
    socket.on('error', (error) => report({ error }));
    socket.once('secure', () => {
      const error = serverTls.verifyPeer(socket);
      if (error) {
        socket.destroy();
        report({ error });
        return;
      }
      const peer = socket.getPeerX509Certificate();
      const servername = (socket as tls.TLSSocket & { servername?: string | false }).servername;
      report({
        alpn: socket.alpnProtocol,
        servername,
        protocol: socket.getProtocol(),
        peerSubjectAltName: peer?.subjectAltName,
      });
      socket.pipe(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    nextOutcome: () => {
      const ready = outcomes.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ClientOutcome {
  ok: boolean;
  error?: Error;
  alpn?: string | false | null;
  protocol?: string | null;
}

/** Connects, sends a ping and waits for the echo (so the server's verification has run). */
export function connectAndPing(clientTls: ClientTlsOptions, port: number): Promise<ClientOutcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ ...clientTls, host: '127.0.0.1', port });
    let settled = false;
    const finish = (o: ClientOutcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(o);
    };
    socket.on('secureConnect', () => socket.write('ping'));
    socket.on('data', () => finish({ ok: true, alpn: socket.alpnProtocol, protocol: socket.getProtocol() }));
    socket.on('error', (error) => finish({ ok: false, error }));
    socket.on('close', () => finish({ ok: false }));
  });
}
