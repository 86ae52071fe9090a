import { connect, type Socket } from 'node:net';
import { ResponseFramer } from './response-framer.ts';

/** What a connection reports to the scheduler that owns it. */
export interface ConnectionOwner {
  onResponse(connection: ClientConnection, status: number): void;
  /** The socket failed or closed; `inFlight` says whether a request was lost with it. */
  onBroken(connection: ClientConnection, reason: string, inFlight: boolean): void;
}

/**
 * One keep-alive HTTP/1.1 connection that carries one request at a time (no pipelining), with the
 * schedule of the request it carries: the intended send time and the actual one.
 */
export class ClientConnection {
  /** When the request's latency clock starts: its intended send time (or its actual one, if earlier). */
  intendedNs = 0;
  sentNs = 0;
  /** Index of the request in the schedule. */
  index = -1;
  busy = false;
  readonly #socket: Socket;
  readonly #request: Buffer;
  readonly #framer = new ResponseFramer();
  readonly #owner: ConnectionOwner;
  #broken = false;

  private constructor(socket: Socket, request: Buffer, owner: ConnectionOwner) {
    this.#socket = socket;
    this.#request = request;
    this.#owner = owner;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error.message));
    socket.on('close', () => this.#fail('closed by peer'));
  }

  /** Opens a connection to 127.0.0.1:`port`; rejects after `timeoutMs`. */
  static open(
    port: number,
    request: Buffer,
    owner: ConnectionOwner,
    timeoutMs = 5_000,
  ): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(
        () => socket.destroy(new Error(`connect 127.0.0.1:${port}: timed out`)),
        timeoutMs,
      );
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new ClientConnection(socket, request, owner));
      });
    });
  }

  send(index: number, intendedNs: number, sentNs: number): void {
    this.index = index;
    this.intendedNs = intendedNs;
    this.sentNs = sentNs;
    this.busy = true;
    this.#socket.write(this.#request);
  }

  close(): void {
    this.#broken = true;
    this.#socket.destroy();
  }

  readonly #onStatus = (status: number): void => {
    this.busy = false;
    this.#owner.onResponse(this, status);
  };

  #onData(chunk: Buffer): void {
    try {
      this.#framer.feed(chunk, this.#onStatus);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
      this.#socket.destroy();
    }
  }

  #fail(reason: string): void {
    if (this.#broken) return;
    this.#broken = true;
    const inFlight = this.busy;
    this.busy = false;
    this.#owner.onBroken(this, reason, inFlight);
  }
}
