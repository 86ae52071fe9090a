/**
 * Batches finished spans and sends them to a collector, off the request path. A span is encoded
 * when it finishes (so no span object outlives its request) and queues in memory up to
 * `maxQueuedSpans` (beyond that they are dropped and counted, so a collector that is
 * down costs bounded memory); a batch goes out when `maxBatchSpans` are queued or
 * `flushIntervalMs` after the first span of a batch, with one report in flight at a time. A
 * failed report is dropped and counted, never retried.
 */
import type { Counter, StatsScope } from '../stats/stats.ts';
import type { Span } from './span.ts';

export interface SpanTransport {
  send(body: Uint8Array | string, done: (err: Error | null) => void): void;
}

/** Where finished spans go. */
export interface SpanSink {
  export(span: Span): void;
  stop(): void;
}

export interface TimerApi {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TimerApi = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SpanExporterOptions<P = unknown> {
  /** One finished span, in the form the batch is made of (encoded text, or the span itself). */
  encodeSpan: (span: Span) => P;
  /** A batch as a request body. */
  encodeBatch: (spans: readonly P[]) => Uint8Array | string;
  transport: SpanTransport;
  /** e.g. `tracing.opentelemetry.` */
  stats: StatsScope;
  maxQueuedSpans?: number;
  maxBatchSpans?: number;
  flushIntervalMs?: number;
  timers?: TimerApi;
}

export class SpanExporter<P> implements SpanSink {
  private readonly o: Required<Omit<SpanExporterOptions<P>, 'stats'>>;
  private queue: P[] = [];
  private inFlight = false;
  private timer: unknown;
  private stopped = false;
  private readonly spansSent: Counter;
  private readonly spansDropped: Counter;
  private readonly reportsSent: Counter;
  private readonly reportsFailed: Counter;

  constructor(options: SpanExporterOptions<P>) {
    this.o = {
      encodeSpan: options.encodeSpan,
      encodeBatch: options.encodeBatch,
      transport: options.transport,
      maxQueuedSpans: options.maxQueuedSpans ?? 4096,
      maxBatchSpans: options.maxBatchSpans ?? 512,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      timers: options.timers ?? realTimers,
    };
    this.spansSent = options.stats.counter('spans_sent');
    this.spansDropped = options.stats.counter('spans_dropped');
    this.reportsSent = options.stats.counter('reports_sent');
    this.reportsFailed = options.stats.counter('reports_failed');
  }

  export(span: Span): void {
    if (this.stopped || this.queue.length >= this.o.maxQueuedSpans) {
      this.spansDropped.inc();
      return;
    }
    this.queue.push(this.o.encodeSpan(span));
    if (this.queue.length >= this.o.maxBatchSpans) this.flush();
    else if (this.timer === undefined)
      this.timer = this.o.timers.set(() => this.onTimer(), this.o.flushIntervalMs);
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Sends what is queued (one batch) now, if no report is in flight. */
  flush(): void {
    if (this.timer !== undefined) {
      this.o.timers.clear(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight || this.queue.length === 0) return;
    const batch =
      this.queue.length <= this.o.maxBatchSpans ? this.queue : this.queue.slice(0, this.o.maxBatchSpans);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
    this.inFlight = true;
    let body: Uint8Array | string;
    try {
      body = this.o.encodeBatch(batch);
    } catch {
      this.inFlight = false;
      this.reportsFailed.inc();
      return;
    }
    this.o.transport.send(body, (err) => {
      this.inFlight = false;
      if (err === null) {
        this.reportsSent.inc();
        this.spansSent.add(batch.length);
      } else {
        this.reportsFailed.inc();
      }
      if (this.queue.length > 0 && !this.stopped) {
        if (this.queue.length >= this.o.maxBatchSpans) this.flush();
        else this.timer ??= this.o.timers.set(() => this.onTimer(), this.o.flushIntervalMs);
      }
    });
  }

  stop(): void {
    this.flush();
    this.stopped = true;
    if (this.timer !== undefined) this.o.timers.clear(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flush();
  }
}
