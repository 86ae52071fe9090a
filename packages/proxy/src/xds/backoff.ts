/**
 * Exponential backoff with full jitter, as Envoy's xDS client reconnects: each delay is drawn
 * uniformly from [0, min(maxMs, initialMs * 2^attempt)), and a stream that delivered a response
 * resets it.
 *
 * @example
 * const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
 * setTimeout(reconnect, backoff.nextMs());
 */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Uniform in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export class Backoff {
  private readonly options: BackoffOptions;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: BackoffOptions) {
    this.options = options;
    this.random = options.random ?? Math.random;
  }

  /** The ceiling the next delay is drawn under. */
  get ceilingMs(): number {
    return Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
  }

  /** The next delay; each call doubles the ceiling up to `maxMs`. */
  nextMs(): number {
    const ceiling = this.ceilingMs;
    if (ceiling < this.options.maxMs) this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}
