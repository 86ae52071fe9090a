/**
 * Counts gRPC messages in one direction of a stream from the length-prefixed framing (1 flag
 * byte, 4 length bytes, then the message), across arbitrary chunk boundaries. Allocated only for
 * gRPC streams; per chunk it jumps from prefix to prefix.
 */
export class GrpcMessageCounter {
  messages = 0;
  /** Bytes of the current message body still to skip. */
  private skip = 0;
  /** Prefix bytes seen of the current frame (0..4 while reading a prefix). */
  private prefixSeen = 0;
  private length = 0;

  onData(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i);
        this.skip -= take;
        i += take;
        continue;
      }
      const b = chunk[i++]!;
      if (this.prefixSeen === 0) {
        this.prefixSeen = 1;
        this.length = 0;
        continue;
      }
      this.length = this.length * 256 + b;
      if (++this.prefixSeen === 5) {
        this.prefixSeen = 0;
        this.messages++;
        this.skip = this.length;
      }
    }
  }
}

/** Both directions of one gRPC stream. */
export class GrpcStreamMessages {
  readonly request = new GrpcMessageCounter();
  readonly response = new GrpcMessageCounter();
}
