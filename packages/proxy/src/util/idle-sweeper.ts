/**
 * Coarse idle timeouts for long-lived connections without touching a timer per read or write.
 * A connection stamps `epoch` (an integer that advances once per sweep) when it sees activity;
 * every sweep asks each registered connection whether it has been quiet for long enough. A
 * timeout of T ms fires between T and T + one sweep interval after the last activity, which is
 * the precision idle timeouts of minutes need.
 *
 * @example
 * const sweeper = new IdleSweeper(1000);
 * sweeper.add(conn);                      // conn.onSweep(epoch) is called every second
 * conn.lastActiveEpoch = sweeper.epoch;   // on activity
 */
export interface SweptConnection {
  /** Called once per sweep with the current epoch. */
  onSweep(epoch: number): void;
}

export class IdleSweeper {
  readonly intervalMs: number;
  /** Advances by one per sweep. */
  epoch = 0;
  private readonly members = new Set<SweptConnection>();
  private timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Sweeps after which a connection quiet since `stampedEpoch` has been idle at least `timeoutMs`. */
  expired(stampedEpoch: number, timeoutMs: number): boolean {
    return (this.epoch - stampedEpoch) * this.intervalMs > timeoutMs;
  }

  add(conn: SweptConnection): void {
    this.members.add(conn);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.intervalMs);
      this.timer.unref();
    }
  }

  remove(conn: SweptConnection): void {
    this.members.delete(conn);
    if (this.members.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** One sweep (called by the interval; tests call it directly). */
  sweep(): void {
    this.epoch++;
    for (const m of this.members) m.onSweep(this.epoch);
  }
}

/** A quarter of the shortest idle timeout, between 50 ms and 1 s. */
export function sweepIntervalMs(...timeoutsMs: number[]): number {
  const set = timeoutsMs.filter((t) => t > 0);
  const shortest = set.length === 0 ? 4000 : Math.min(...set);
  return Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
}
