/**
 * One listener config, compiled: its filter chains and their matcher. It takes the connections
 * its listener accepted while it was the active config, inspects the first bytes when a filter
 * chain match needs SNI/ALPN or HTTP detection, picks the filter chain, terminates TLS if the
 * chain says so, and hands the connection to the chain's network filter. When a newer config
 * replaces it, it retires: its connections drain and the rest are closed after the drain time.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { FilterChain, Listener } from '@tandem/api/envoy';
import type { DownstreamConnectionInfo } from '../http/request-head.ts';
import { type Destination, originalDestination } from '../interception/original-destination.ts';
import {
  buildConnectionChecks,
  buildNetworkFilter,
  type ConnectionCheck,
  type NetworkFilterContext,
  type NetworkFilterRuntime,
} from '../network/network-filter.ts';
import type { Counter, Gauge } from '../stats/stats.ts';
import { DynamicTls } from '../tls/dynamic-tls.ts';
import type { SecretStore } from '../tls/secret-store.ts';
import { buildServerTlsOptions, type ServerTlsOptions } from '../tls/server-tls-options.ts';
import { firstUriSan } from '../tls/subject-alt-names.ts';
import { TandemError } from '../util/errors.ts';
import { inspectClientHello } from './client-hello.ts';
import { compileFilterChainMatcher } from './filter-chain-matcher.ts';
import { inspectHttp } from './http-inspector.ts';

/** Finds the listener (bind_to_port false) that serves an original destination, for use_original_dst. */
export type HandOff = (
  address: string,
  port: number,
) => { takeHandedOff(socket: net.Socket, d: Destination): boolean } | undefined;

interface BuiltChain {
  readonly chain: FilterChain;
  readonly filter: NetworkFilterRuntime;
  /** Filters before the terminal one that may refuse the connection (network RBAC). */
  readonly checks: ConnectionCheck[];
  /** The chain's server TLS, rebuilt when its secrets change; undefined for plaintext. */
  readonly tls: DynamicTls<ServerTlsOptions> | undefined;
  /** Terminates TLS for this chain (never listens itself; accepted sockets are handed to it). */
  tlsServer: tls.Server | undefined;
}

interface ListenerStats {
  downstreamCxTotal: Counter;
  downstreamCxActive: Gauge;
  noFilterChainMatch: Counter;
  downstreamListenerFilterError: Counter;
  sslHandshake: Counter;
  sslConnectionError: Counter;
  connectionDenied: Counter;
}

const MAX_INSPECT_BYTES = 64 * 1024;
const NOT_TLS = { kind: 'not-tls' } as const;

export class FilterChainSet {
  readonly config: Listener;
  private readonly chains = new Map<FilterChain, BuiltChain>();
  private readonly matcher: ReturnType<typeof compileFilterChainMatcher>;
  private readonly stats: ListenerStats;
  private readonly sockets = new Set<net.Socket>();
  /** Connection info of sockets in a TLS handshake, by `remoteAddress:remotePort`. */
  private readonly handshaking = new Map<string, DownstreamConnectionInfo>();
  private retired: Promise<void> | undefined;
  private onEmpty: (() => void) | undefined;
  /** The listener has the original_dst listener filter: connections carry their original destination. */
  private readonly restoresOriginalDst: boolean;
  private readonly handOff: HandOff | undefined;

  constructor(
    config: Listener,
    ctx: NetworkFilterContext,
    secrets: SecretStore,
    handOff?: HandOff,
    log?: (line: string) => void,
  ) {
    this.config = config;
    this.restoresOriginalDst = config.listenerFilters.some(
      (f) => f.name === 'envoy.filters.listener.original_dst' || (f.typeUrl ?? '').endsWith('.OriginalDst'),
    );
    this.handOff = handOff;
    this.matcher = compileFilterChainMatcher(config);
    const all = config.defaultFilterChain
      ? [...config.filterChains, config.defaultFilterChain]
      : config.filterChains;
    const chainCtx: NetworkFilterContext = { ...ctx, direction: config.trafficDirection };
    for (const chain of all) this.chains.set(chain, this.buildChain(chain, chainCtx, secrets, log));
    const scope = ctx.stats.scope(`listener.${config.address.address}_${config.address.portValue}.`);
    this.stats = {
      downstreamCxTotal: scope.counter('downstream_cx_total'),
      downstreamCxActive: scope.gauge('downstream_cx_active'),
      noFilterChainMatch: scope.counter('no_filter_chain_match'),
      downstreamListenerFilterError: scope.counter('downstream_listener_filter_error'),
      sslHandshake: scope.counter('ssl.handshake'),
      sslConnectionError: scope.counter('ssl.connection_error'),
      connectionDenied: scope.counter('rbac.denied'),
    };
  }

  /** Every TLS context has its secrets (a listener warms until then). */
  get secretsReady(): boolean {
    for (const c of this.chains.values()) if (c.tls !== undefined && !c.tls.ready) return false;
    return true;
  }

  /** Resolves when {@link secretsReady}. */
  whenSecretsReady(): Promise<void> {
    const waits = [...this.chains.values()].map((c) => c.tls?.whenReady());
    return Promise.all(waits).then(() => undefined);
  }

  /** The server TLS contexts of the chains, for /certs and tests. */
  tlsContexts(): DynamicTls<ServerTlsOptions>[] {
    return [...this.chains.values()].flatMap((c) => (c.tls === undefined ? [] : [c.tls]));
  }

  /** Stops following secrets (the config was replaced or removed). */
  closeTls(): void {
    for (const c of this.chains.values()) c.tls?.close();
  }

  get activeConnections(): number {
    return this.sockets.size;
  }

  /** Tells the filters to drain: HTTP/1 closes after the current response, HTTP/2 sends GOAWAY. */
  drain(): void {
    for (const c of this.chains.values()) c.filter.drain();
  }

  /**
   * A newer config took over: drains, closes whatever is still open after `drainTimeMs`, and
   * resolves once no connection is left.
   */
  retire(drainTimeMs: number): Promise<void> {
    this.retired ??= new Promise((resolve) => {
      this.drain();
      const timer = setTimeout(() => this.destroyConnections(), drainTimeMs);
      timer.unref();
      const check = (): void => {
        if (this.sockets.size > 0) return;
        clearTimeout(timer);
        this.closeTls();
        resolve();
      };
      this.onEmpty = check;
      check();
    });
    return this.retired;
  }

  /** Closes every connection now. */
  destroyConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  /**
   * A connection the listener accepted while this config was active, or one another listener
   * handed over with its original destination `restored`.
   */
  onConnection(socket: net.Socket, restored?: Destination): void {
    let original = restored;
    if (original === undefined && this.restoresOriginalDst) {
      original = originalDestination(socket);
      if (original !== undefined && this.config.useOriginalDst) {
        const target = this.handOff?.(original.address, original.port);
        if (target?.takeHandedOff(socket, original)) return;
      }
    }
    this.stats.downstreamCxTotal.inc();
    this.stats.downstreamCxActive.inc();
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.stats.downstreamCxActive.dec();
      this.onEmpty?.();
    });
    socket.on('error', noop);
    const info: DownstreamConnectionInfo = {
      remoteAddress: stripV4Mapped(socket.remoteAddress ?? ''),
      remotePort: socket.remotePort ?? 0,
      localAddress: original?.address ?? stripV4Mapped(socket.localAddress ?? ''),
      localPort: original?.port ?? socket.localPort ?? 0,
      tls: false,
      serverName: '',
    };
    if (this.matcher.needsTlsInspection || this.matcher.needsHttpInspection) this.inspect(socket, info);
    else this.dispatch(socket, info, 'raw_buffer', []);
  }

  /** Reads the first bytes (TLS ClientHello or HTTP preface/request line) without consuming them. */
  private inspect(socket: net.Socket, info: DownstreamConnectionInfo): void {
    let seen: Buffer | undefined;
    const timeoutMs = this.config.listenerFiltersTimeoutMs;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            socket.removeListener('data', onData);
            if (this.config.continueOnListenerFiltersTimeout)
              return this.resume(socket, seen, info, 'raw_buffer', []);
            this.stats.downstreamListenerFilterError.inc();
            socket.destroy();
          }, timeoutMs)
        : undefined;
    const onData = (data: Buffer): void => {
      seen = seen === undefined ? data : Buffer.concat([seen, data]);
      const hello = this.matcher.needsTlsInspection ? inspectClientHello(seen) : NOT_TLS;
      const http =
        hello.kind === 'not-tls' && this.matcher.needsHttpInspection ? inspectHttp(seen) : undefined;
      const needMore = hello.kind === 'need-more' || http?.kind === 'need-more';
      if (needMore && seen.length < MAX_INSPECT_BYTES) return;
      socket.removeListener('data', onData);
      if (timer !== undefined) clearTimeout(timer);
      if (hello.kind === 'error') {
        this.stats.downstreamListenerFilterError.inc();
        return void socket.destroy();
      }
      if (hello.kind === 'tls') {
        info.serverName = hello.serverName;
        return this.resume(socket, seen, info, 'tls', hello.alpn);
      }
      const protocols = http !== undefined && http.kind === 'http' ? http.applicationProtocols : [];
      this.resume(socket, seen, info, 'raw_buffer', protocols);
    };
    socket.on('data', onData);
  }

  private resume(
    socket: net.Socket,
    seen: Buffer | undefined,
    info: DownstreamConnectionInfo,
    transport: string,
    alpn: string[],
  ): void {
    socket.pause();
    if (seen !== undefined) socket.unshift(seen);
    this.dispatch(socket, info, transport, alpn);
  }

  private dispatch(
    socket: net.Socket,
    info: DownstreamConnectionInfo,
    transport: string,
    alpn: string[],
  ): void {
    const chain = this.matcher.match({
      destinationPort: info.localPort,
      destinationIp: info.localAddress,
      sourceIp: info.remoteAddress,
      sourcePort: info.remotePort,
      serverName: info.serverName,
      transportProtocol: transport,
      applicationProtocols: alpn,
    });
    const built = chain === undefined ? undefined : this.chains.get(chain);
    if (built === undefined) {
      this.stats.noFilterChainMatch.inc();
      socket.destroy();
      return;
    }
    if (built.tls === undefined) {
      if (!this.passesChecks(built, info)) return void socket.destroy();
      socket.resume();
      return built.filter.onConnection(socket, info, false);
    }
    if (built.tlsServer === undefined) {
      // Its secrets have not arrived: the handshake cannot succeed.
      this.stats.sslConnectionError.inc();
      return void socket.destroy();
    }
    this.terminateTls(socket, info, built);
  }

  private terminateTls(socket: net.Socket, info: DownstreamConnectionInfo, built: BuiltChain): void {
    info.tls = true;
    this.handshaking.set(`${socket.remoteAddress}:${socket.remotePort}`, info);
    built.tlsServer!.emit('connection', socket);
  }

  private onSecureConnection(tlsSocket: tls.TLSSocket, built: BuiltChain): void {
    const key = `${tlsSocket.remoteAddress}:${tlsSocket.remotePort}`;
    const info = this.handshaking.get(key);
    this.handshaking.delete(key);
    tlsSocket.on('error', noop);
    const serverTls = built.tls!.current!;
    if (info === undefined || serverTls.verifyPeer(tlsSocket) !== undefined) {
      this.stats.sslConnectionError.inc();
      tlsSocket.destroy();
      return;
    }
    this.stats.sslHandshake.inc();
    info.tlsSocket = tlsSocket;
    info.peerPrincipal = peerPrincipalOf(tlsSocket);
    if (info.serverName === '')
      info.serverName = (tlsSocket as { servername?: string | false }).servername || '';
    if (!this.passesChecks(built, info)) return void tlsSocket.destroy();
    built.filter.onConnection(tlsSocket, info, tlsSocket.alpnProtocol ?? false);
  }

  private buildChain(
    chain: FilterChain,
    ctx: NetworkFilterContext,
    secrets: SecretStore,
    log: ((line: string) => void) | undefined,
  ): BuiltChain {
    const terminal = chain.filters[chain.filters.length - 1];
    if (terminal === undefined) {
      throw new TandemError(
        'TANDEM_ERR_LISTENER_CONFIG',
        `listener "${this.config.name}": filter chain "${chain.name}" has no filters`,
      );
    }
    const ts = chain.transportSocket;
    const target = `listener "${this.config.name}" filter chain "${chain.name}"`;
    const built: BuiltChain = {
      chain,
      filter: buildNetworkFilter(terminal, {
        ...ctx,
        bufferLimitBytes: this.config.perConnectionBufferLimitBytes,
      }),
      checks: buildConnectionChecks(chain.filters.slice(0, -1), ctx),
      tls: undefined,
      tlsServer: undefined,
    };
    if (ts === undefined) return built;
    const dynamic = new DynamicTls<ServerTlsOptions>({
      store: secrets,
      common: ts.commonTlsContext,
      target,
      log,
      build: () => buildServerTlsOptions(ts, secrets.lookup, { target }),
      onSwap: (next) => this.installTls(built, next),
    });
    (built as { tls: DynamicTls<ServerTlsOptions> }).tls = dynamic;
    if (dynamic.current !== undefined) this.installTls(built, dynamic.current);
    return built;
  }

  private passesChecks(built: BuiltChain, info: DownstreamConnectionInfo): boolean {
    for (const check of built.checks) {
      if (!check(info)) {
        this.stats.connectionDenied.inc();
        return false;
      }
    }
    return true;
  }

  /** The first build creates the chain's tls.Server; later ones swap its default context. */
  private installTls(built: BuiltChain, options: ServerTlsOptions): void {
    if (built.tlsServer !== undefined) return useDefaultContext(built.tlsServer, options.secureContext);
    built.tlsServer = this.buildTlsServer(built);
    built.tlsServer.on('secureConnection', (s: tls.TLSSocket) => this.onSecureConnection(s, built));
  }

  /**
   * A tls.Server per TLS filter chain does the handshake (HTTP/2 over a hand-made TLSSocket does
   * not start on Node 20; over a tls.Server's socket it does). It never listens.
   */
  private buildTlsServer(built: BuiltChain): tls.Server {
    const opts = built.tls!.current!;
    const server = tls.createServer({
      ALPNProtocols: opts.ALPNProtocols,
      requestCert: opts.requestCert,
      rejectUnauthorized: opts.rejectUnauthorized,
      // Always the chain's current context: a renewed certificate applies to the next handshake.
      SNICallback: (_name, cb) => cb(null, built.tls!.current!.secureContext),
    });
    useDefaultContext(server, opts.secureContext);
    server.on('tlsClientError', (_err, socket) => {
      this.handshaking.delete(`${socket.remoteAddress}:${socket.remotePort}`);
      this.stats.sslConnectionError.inc();
      socket.destroy();
    });
    return server;
  }
}

/**
 * Clients that send no SNI get the server's default credentials. tls.Server only builds those
 * from PEM options; the filter chain's context is already built, so it is installed directly.
 */
function useDefaultContext(server: tls.Server, context: tls.SecureContext): void {
  const s = server as unknown as { _sharedCreds?: tls.SecureContext };
  if (!('_sharedCreds' in s)) {
    throw new TandemError(
      'TANDEM_ERR_TLS_RUNTIME',
      'this Node.js version has no tls.Server default context to set',
    );
  }
  s._sharedCreds = context;
}

/** The client certificate's SPIFFE ID (its first URI SAN), or ''. */
function peerPrincipalOf(socket: tls.TLSSocket): string {
  return firstUriSan(socket.getPeerX509Certificate()?.subjectAltName);
}

function stripV4Mapped(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

function noop(): void {}
