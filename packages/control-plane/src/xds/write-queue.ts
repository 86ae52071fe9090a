/** Writes one response to its stream, calling `done` once it is handed to HTTP/2 (or cannot be). */
export type WriteFn = (response: unknown, done: () => void) => void;

export interface WriteQueueOptions {
  /** Responses being written at once, over all streams (Istio's PILOT_PUSH_THROTTLE is 100). */
  readonly maxInFlight: number;
  /** A write not done after this long stops holding its place (a slow or stuck client). */
  readonly slowWriteMs: number;
}

/** One stream's writer: its responses go out in order, one at a time. */
export interface QueuedWriter {
  send(response: unknown): void;
  /** Drops what is still queued and frees the place of a write in flight. */
  close(): void;
}

interface WriterState {
  readonly write: WriteFn;
  readonly pending: unknown[];
  /** Frees the place of the write in flight, if any. */
  release: (() => void) | undefined;
  ready: boolean;
  closed: boolean;
}

/**
 * Bounds how many responses are being written at once across all streams, as Istio's push
 * throttle does: a response is serialized (a copy of its bytes) when it is written, and a write
 * holds those bytes until HTTP/2 flow control lets them out, so a push to a thousand proxies at
 * once would hold a thousand copies. Streams take turns; each stream's responses keep their order.
 *
 * @example
 * const queue = new WriteQueue({ maxInFlight: 100, slowWriteMs: 5_000 });
 * const writer = queue.writer((response, done) => call.write(response, done));
 * writer.send(response);
 */
export class WriteQueue {
  readonly #options: WriteQueueOptions;
  #inFlight = 0;
  /** Writers with something to write and nothing in flight, in turn order. */
  #ready: WriterState[] = [];
  #readyHead = 0;
  /** Writes that took longer than `slowWriteMs`. */
  slowWrites = 0;

  constructor(options: WriteQueueOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  writer(write: WriteFn): QueuedWriter {
    const state: WriterState = { write, pending: [], release: undefined, ready: false, closed: false };
    return {
      send: (response) => {
        if (state.closed) return;
        state.pending.push(response);
        this.#makeReady(state);
        this.#pump();
      },
      close: () => {
        state.closed = true;
        state.pending.length = 0;
        state.release?.();
      },
    };
  }

  #makeReady(state: WriterState): void {
    if (state.ready || state.release !== undefined || state.pending.length === 0) return;
    state.ready = true;
    this.#ready.push(state);
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#readyHead < this.#ready.length) {
      const state = this.#ready[this.#readyHead++]!;
      state.ready = false;
      if (state.closed || state.pending.length === 0) continue;
      this.#start(state, state.pending.shift());
    }
    if (this.#readyHead > 1024 && this.#readyHead * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#readyHead);
      this.#readyHead = 0;
    }
  }

  #start(state: WriterState, response: unknown): void {
    this.#inFlight++;
    let finished = false;
    const release = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.#inFlight--;
      if (state.release === release) state.release = undefined;
      if (!state.closed) this.#makeReady(state);
      this.#pump();
    };
    const timer = setTimeout(() => {
      this.slowWrites++;
      release();
    }, this.#options.slowWriteMs);
    timer.unref();
    state.release = release;
    state.write(response, release);
  }
}
