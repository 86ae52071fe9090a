const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/** Where the framer is within a response. */
const State = { Head: 0, Body: 1, ChunkSize: 2, ChunkData: 3, Trailers: 4 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * Finds where each HTTP/1.1 response ends in a keep-alive byte stream, by Content-Length or
 * chunked framing, without building header objects. Just enough HTTP to count responses and read
 * their status codes; a response framed by connection close is rejected (the bench's backend always
 * sends a length).
 *
 * @example
 * const framer = new ResponseFramer();
 * framer.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), (status) => status); // 200
 */
export class ResponseFramer {
  #state: State = State.Head;
  #pending: Buffer = EMPTY;
  #remaining = 0;
  #status = 0;

  /** Consumes `chunk`; calls `onResponse(status)` once per response that ends inside it. */
  feed(chunk: Buffer, onResponse: (status: number) => void): void {
    const buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    let offset = 0;
    for (
      let next = this.#step(buf, 0, onResponse);
      next !== offset;
      next = this.#step(buf, next, onResponse)
    ) {
      offset = next;
    }
    this.#pending = offset < buf.length ? Buffer.from(buf.subarray(offset)) : EMPTY;
  }

  /** True when no response is partly read. */
  get idle(): boolean {
    return this.#state === State.Head && this.#pending.length === 0;
  }

  /**
   * Advances over one framing element (head, body, chunk size line, chunk data, trailer line) that
   * starts at `offset`. Returns the offset after it, or `offset` itself when more bytes are needed.
   */
  #step(buf: Buffer, offset: number, onResponse: (status: number) => void): number {
    switch (this.#state) {
      case State.Head: {
        const end = buf.indexOf(HEAD_END, offset);
        if (end < 0) return offset;
        this.#readHead(buf.toString('latin1', offset, end));
        if (this.#state === State.Head) onResponse(this.#status);
        return end + 4;
      }
      case State.Body:
      case State.ChunkData: {
        const available = buf.length - offset;
        if (available < this.#remaining) {
          this.#remaining -= available;
          return buf.length;
        }
        const end = offset + this.#remaining;
        this.#remaining = 0;
        if (this.#state === State.ChunkData) {
          this.#state = State.ChunkSize;
        } else {
          this.#state = State.Head;
          onResponse(this.#status);
        }
        return end;
      }
      case State.ChunkSize: {
        const eol = buf.indexOf(CRLF, offset);
        if (eol < 0) return offset;
        const size = Number.parseInt(buf.toString('latin1', offset, eol).split(';')[0], 16);
        if (!Number.isFinite(size) || size < 0) throw new Error('response framing: bad chunk size');
        this.#state = size === 0 ? State.Trailers : State.ChunkData;
        this.#remaining = size === 0 ? 0 : size + 2;
        return eol + 2;
      }
      case State.Trailers: {
        const eol = buf.indexOf(CRLF, offset);
        if (eol < 0) return offset;
        if (eol === offset) {
          this.#state = State.Head;
          onResponse(this.#status);
        }
        return eol + 2;
      }
    }
  }

  #readHead(head: string): void {
    if (!head.startsWith('HTTP/1.'))
      throw new Error(`response framing: not an HTTP/1.x status line: ${head.slice(0, 40)}`);
    this.#status = Number(head.slice(9, 12));
    if (this.#status < 200 || this.#status === 204 || this.#status === 304) return;
    let contentLength = -1;
    let chunked = false;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-length') contentLength = Number(line.slice(colon + 1).trim());
      else if (name === 'transfer-encoding')
        chunked = line
          .slice(colon + 1)
          .toLowerCase()
          .includes('chunked');
    }
    if (chunked) {
      this.#state = State.ChunkSize;
    } else if (contentLength > 0) {
      this.#state = State.Body;
      this.#remaining = contentLength;
    } else if (contentLength !== 0) {
      throw new Error('response framing: response has neither Content-Length nor chunked encoding');
    }
  }
}
