/**
 * One bound listener socket and the config that serves it. A new config for the same address is
 * one reference swap (`activate`): new connections go to the new filter chains, connections
 * accepted earlier stay on the old ones, which drain and are closed after the drain time. The
 * port is never rebound for an update. Connections accepted before any config is active (the
 * listener is warming) wait, unread, until one is.
 */
import net from 'node:net';
import type { Listener } from '@tandem/api/envoy';
import { TandemError } from '../util/errors.ts';
import type { FilterChainSet } from './filter-chain-set.ts';

export class ListenerRuntime {
  /** The name of the listener that bound the socket (see `name` for the one serving now). */
  private readonly boundBy: string;
  /** The address as configured (port 0 asks for any port; see `port`). */
  readonly address: Listener['address'];
  private readonly server: net.Server;
  private active: FilterChainSet | undefined;
  private readonly retiring = new Set<FilterChainSet>();
  /** Sockets accepted while warming, with their 'close' listener. */
  private readonly waiting = new Map<net.Socket, () => void>();
  private boundPort = 0;
  private accepting = true;
  /** bind_to_port false: the listener only takes connections handed over by a use_original_dst listener. */
  readonly bindsPort: boolean;

  constructor(config: Listener) {
    this.boundBy = config.name;
    this.address = config.address;
    this.bindsPort = config.bindToPort;
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.onConnection(s));
  }

  /** The listener serving the socket (another listener may take over a socket with its address). */
  get name(): string {
    return this.active?.config.name ?? this.boundBy;
  }

  /** The config serving new connections (undefined while the listener is warming). */
  get config(): Listener | undefined {
    return this.active?.config;
  }

  /** The port actually bound (differs from config when it asked for port 0). */
  get port(): number {
    return this.boundPort;
  }

  get activeConnections(): number {
    let n = this.waiting.size + (this.active?.activeConnections ?? 0);
    for (const s of this.retiring) n += s.activeConnections;
    return n;
  }

  /** Whether this runtime binds the same address as `config` (so an update can reuse it). */
  sameAddress(config: Listener): boolean {
    return (
      config.address.address === this.address.address && config.address.portValue === this.address.portValue
    );
  }

  listen(): Promise<void> {
    const { address, portValue } = this.address;
    if (!this.bindsPort) {
      this.boundPort = portValue;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void =>
        reject(
          new TandemError(
            'TANDEM_ERR_LISTENER_BIND',
            `listener "${this.name}": cannot bind ${address}:${portValue}: ${err.code ?? err.message}`,
          ),
        );
      this.server.once('error', onError);
      this.server.listen({ host: address, port: portValue, backlog: 1024 }, () => {
        this.server.removeListener('error', onError);
        this.boundPort = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Makes `next` serve new connections; the previous config retires over `drainTimeMs`. */
  activate(next: FilterChainSet, drainTimeMs: number): void {
    const previous = this.active;
    this.active = next;
    if (previous !== undefined) this.retire(previous, drainTimeMs);
    for (const [s, forget] of this.waiting) {
      s.removeListener('close', forget);
      next.onConnection(s);
    }
    this.waiting.clear();
  }

  /** Stops accepting; existing connections are drained by their filters. */
  drain(): void {
    this.stopAccepting();
    this.active?.drain();
    for (const s of this.retiring) s.drain();
  }

  /** The listener was removed: stop accepting, drain, close what is left after `drainTimeMs`. */
  remove(drainTimeMs: number): Promise<void> {
    this.stopAccepting();
    const last = this.active;
    this.active = undefined;
    if (last !== undefined) this.retire(last, drainTimeMs);
    return Promise.all([...this.retiring].map((s) => s.retire(drainTimeMs))).then(() => undefined);
  }

  /** Closes every connection now. */
  destroyConnections(): void {
    for (const s of this.waiting.keys()) s.destroy();
    this.active?.destroyConnections();
    for (const s of this.retiring) s.destroyConnections();
  }

  private stopAccepting(): void {
    if (!this.accepting) return;
    this.accepting = false;
    if (this.server.listening) this.server.close();
    for (const s of this.waiting.keys()) s.destroy();
  }

  private retire(set: FilterChainSet, drainTimeMs: number): void {
    this.retiring.add(set);
    void set.retire(drainTimeMs).then(() => this.retiring.delete(set));
  }

  /** A connection handed over by a use_original_dst listener (see FilterChainSet.handOff). */
  takeHandedOff(socket: net.Socket, restored: { address: string; port: number }): boolean {
    const active = this.active;
    if (active === undefined || !this.accepting) return false;
    active.onConnection(socket, restored);
    return true;
  }

  /** Whether a connection originally for `address:port` belongs here (exact address, or any-address). */
  acceptsOriginal(address: string, port: number): boolean {
    if (this.bindsPort || this.address.portValue !== port) return false;
    const a = this.address.address;
    return a === address || a === '0.0.0.0' || a === '::';
  }

  private onConnection(socket: net.Socket): void {
    const active = this.active;
    if (active !== undefined) return active.onConnection(socket);
    if (!this.accepting) return void socket.destroy();
    // No 'data' listener yet: what the client sends is buffered until a config takes the socket.
    socket.on('error', noop);
    const forget = (): boolean => this.waiting.delete(socket);
    socket.once('close', forget);
    this.waiting.set(socket, forget);
  }
}

function noop(): void {}
