/**
 * The retry bookkeeping of one request whose route has a retry policy (allocated only then): how
 * many retries were made, which hosts were tried, the per-try timeout (an intrusive deadline node,
 * like the route timeout) and the back-off timer between attempts.
 */
import type { Host } from '../upstream/host.ts';
import type { DeadlineLists, DeadlineNode, Expirable } from '../util/deadline-list.ts';
import type { CompiledRetryPolicy } from './retry-policy.ts';

/** What the state calls back into: the request's upstream exchange. */
export interface RetryOwner {
  onPerTryTimeout(): void;
  onBackOffDone(): void;
}

export class RetryState implements Expirable {
  deadlinePrev: DeadlineNode | undefined = undefined;
  deadlineNext: DeadlineNode | undefined = undefined;
  deadlineAt = -1;
  readonly policy: CompiledRetryPolicy;
  /** Retries made so far. */
  retries = 0;
  /** The request holds one of the cluster's retry slots (max_retries / retry budget). */
  holdsRetrySlot = false;
  /** Hosts already tried, for the `previous_hosts` predicate. */
  readonly tried: Host[] | undefined;
  private readonly owner: RetryOwner;
  private readonly lists: DeadlineLists<Expirable>;
  private backOff: NodeJS.Timeout | undefined = undefined;

  constructor(policy: CompiledRetryPolicy, owner: RetryOwner, lists: DeadlineLists<Expirable>) {
    this.policy = policy;
    this.owner = owner;
    this.lists = lists;
    this.tried = policy.previousHosts ? [] : undefined;
  }

  get retriesLeft(): number {
    return this.policy.numRetries - this.retries;
  }

  /** Starts the per-try timeout of the current attempt (once the request is complete upstream). */
  startPerTry(): void {
    const ms = this.policy.perTryTimeoutMs;
    if (ms > 0 && this.deadlineAt < 0) this.lists.forDuration(ms).add(this);
  }

  clearPerTry(): void {
    if (this.deadlineAt >= 0) this.lists.forDuration(this.policy.perTryTimeoutMs).remove(this);
  }

  onDeadline(): void {
    this.owner.onPerTryTimeout();
  }

  /** Waits `ms` before the next attempt. */
  scheduleBackOff(ms: number): void {
    this.backOff = setTimeout(backOffDone, ms, this);
  }

  /** Stops every timer (the request is over). */
  cancel(): void {
    this.clearPerTry();
    if (this.backOff !== undefined) clearTimeout(this.backOff);
    this.backOff = undefined;
  }

  /** @internal */
  fireBackOff(): void {
    this.backOff = undefined;
    this.owner.onBackOffDone();
  }
}

function backOffDone(state: RetryState): void {
  state.fireBackOff();
}
