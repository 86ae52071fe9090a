import { Histogram, type HistogramSummary } from '../histogram.ts';
import { ClientConnection, type ConnectionOwner } from './client-connection.ts';
import { Metronome, monotonicNs } from './metronome.ts';

export interface OpenLoopOptions {
  port: number;
  ratePerSec: number;
  /** Measured window, after the warm-up. */
  durationMs: number;
  /** Sent on the same schedule before the measured window, not recorded. */
  warmupMs: number;
  connections: number;
  /** The metronome wakes this long before a send is due (see metronome.ts). */
  leadUs: number;
  /** After the last scheduled send, how long to wait for outstanding responses. */
  graceMs: number;
}

export interface OpenLoopResult {
  ratePerSec: number;
  durationMs: number;
  connections: number;
  /** Requests scheduled in the measured window. */
  scheduled: number;
  /** Responses received for them (any status). */
  completed: number;
  /** Responses received in all, warm-up included. */
  responsesTotal: number;
  achievedRps: number;
  non2xx: number;
  /** Requests lost with a failed connection. */
  errors: number;
  /** Requests without a response when the grace period ended (recorded at their age then). */
  unfinished: number;
  reconnects: number;
  lastError: string | undefined;
  /** From the intended send time to the end of the response: the number to read. */
  latencyUs: HistogramSummary;
  /** From the actual send to the end of the response. */
  serviceUs: HistogramSummary;
  /** Actual send minus intended send (generator and connection-pool delay). */
  sendLagUs: HistogramSummary;
}

/**
 * One open-loop run: requests are due at fixed intervals whether or not earlier ones have been
 * answered; each goes out on an idle keep-alive connection (or waits for one), and its latency counts
 * from when it was due, so a stall is charged to every request it delays (no coordinated omission).
 */
export class OpenLoopRun implements ConnectionOwner {
  readonly latency = new Histogram();
  readonly service = new Histogram();
  readonly sendLag = new Histogram();
  readonly #options: OpenLoopOptions;
  readonly #request: Buffer;
  readonly #intervalNs: number;
  readonly #total: number;
  readonly #warmupCount: number;
  #startNs = 0;
  #next = 0;
  #idle: ClientConnection[] = [];
  #all = new Set<ClientConnection>();
  #completed = 0;
  #responsesTotal = 0;
  #non2xx = 0;
  #errors = 0;
  #reconnects = 0;
  #lastError: string | undefined;
  #finish: (() => void) | undefined;

  constructor(options: OpenLoopOptions) {
    this.#options = options;
    this.#request = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\n\r\n`, 'latin1');
    this.#intervalNs = 1e9 / options.ratePerSec;
    this.#warmupCount = Math.round((options.warmupMs / 1_000) * options.ratePerSec);
    this.#total = this.#warmupCount + Math.round((options.durationMs / 1_000) * options.ratePerSec);
  }

  async run(): Promise<OpenLoopResult> {
    const opened = await Promise.all(Array.from({ length: this.#options.connections }, () => this.#open()));
    this.#idle = opened;
    this.#startNs = monotonicNs() + 10e6;
    const schedule = {
      startNs: this.#startNs,
      intervalNs: this.#intervalNs,
      count: this.#total,
      leadNs: this.#options.leadUs * 1e3,
    };
    const metronome = new Metronome(schedule, () => this.#dispatch());
    const finished = new Promise<void>((resolve) => (this.#finish = resolve));
    const endMs =
      (this.#startNs + this.#total * this.#intervalNs - monotonicNs()) / 1e6 + this.#options.graceMs;
    const timer = setTimeout(() => this.#finish?.(), endMs);
    await finished;
    clearTimeout(timer);
    await metronome.stop();
    const unfinished = this.#recordUnfinished();
    for (const connection of this.#all) connection.close();
    return this.#result(unfinished);
  }

  onResponse(connection: ClientConnection, status: number): void {
    const endNs = monotonicNs();
    this.#responsesTotal++;
    if (connection.index >= this.#warmupCount) {
      this.latency.record((endNs - connection.intendedNs) / 1e3);
      this.service.record((endNs - connection.sentNs) / 1e3);
      this.sendLag.record((connection.sentNs - connection.intendedNs) / 1e3);
      this.#completed++;
      if (status < 200 || status > 299) this.#non2xx++;
    }
    this.#idle.push(connection);
    this.#dispatch();
  }

  onBroken(connection: ClientConnection, reason: string, inFlight: boolean): void {
    this.#all.delete(connection);
    this.#lastError = reason;
    if (inFlight && connection.index >= this.#warmupCount) this.#errors++;
    const idleAt = this.#idle.indexOf(connection);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    if (this.#finish === undefined) return;
    this.#reconnects++;
    this.#open().then(
      (fresh) => {
        this.#idle.push(fresh);
        this.#dispatch();
      },
      (error: Error) => {
        this.#lastError = `reconnect failed: ${error.message}`;
        if (this.#all.size === 0) this.#finish?.();
      },
    );
  }

  /** Sends every request that is due (within the lead) on the idle connections; finishes when all are answered. */
  #dispatch(): void {
    const dueNs = monotonicNs() + this.#options.leadUs * 1e3;
    const due = Math.min(this.#total - 1, Math.floor((dueNs - this.#startNs) / this.#intervalNs));
    while (this.#next <= due && this.#idle.length > 0) {
      const connection = this.#idle.pop()!;
      const intendedNs = this.#startNs + this.#next * this.#intervalNs;
      const sentNs = monotonicNs();
      // A send up to `leadUs` early is timed from when it really went out, a late one from when it was due.
      connection.send(this.#next, Math.min(intendedNs, sentNs), sentNs);
      this.#next++;
    }
    if (this.#next === this.#total && this.#idle.length === this.#all.size) this.#finish?.();
  }

  async #open(): Promise<ClientConnection> {
    const connection = await ClientConnection.open(this.#options.port, this.#request, this);
    this.#all.add(connection);
    return connection;
  }

  /** Records requests still waiting at the end at their age so far (a lower bound). */
  #recordUnfinished(): number {
    const nowNs = monotonicNs();
    let unfinished = 0;
    for (const connection of this.#all) {
      if (!connection.busy || connection.index < this.#warmupCount) continue;
      this.latency.record((nowNs - connection.intendedNs) / 1e3);
      unfinished++;
    }
    for (let index = Math.max(this.#next, this.#warmupCount); index < this.#total; index++) {
      this.latency.record((nowNs - (this.#startNs + index * this.#intervalNs)) / 1e3);
      unfinished++;
    }
    this.#finish = undefined;
    return unfinished;
  }

  #result(unfinished: number): OpenLoopResult {
    const { ratePerSec, durationMs, connections } = this.#options;
    return {
      ratePerSec,
      durationMs,
      connections,
      scheduled: this.#total - this.#warmupCount,
      completed: this.#completed,
      responsesTotal: this.#responsesTotal,
      achievedRps: this.#completed / (durationMs / 1_000),
      non2xx: this.#non2xx,
      errors: this.#errors,
      unfinished,
      reconnects: this.#reconnects,
      lastError: this.#lastError,
      latencyUs: this.latency.summary(),
      serviceUs: this.service.summary(),
      sendLagUs: this.sendLag.summary(),
    };
  }
}
