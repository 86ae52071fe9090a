/**
 * Writes access log lines to a file without ever blocking the event loop or holding up a
 * response. Lines are appended to an in-memory batch, flushed when it reaches `flushBytes` or
 * `flushIntervalMs` after its first line (as Envoy flushes its file loggers); one asynchronous
 * write is in flight at a time and takes everything batched so far, so a slow disk makes batches
 * bigger rather than requests slower. The batch is bounded: past `maxBufferBytes` new lines are dropped and counted
 * (`access_logs.file.dropped_lines`); the request itself is never affected.
 */
import fs from 'node:fs';
import type { Counter, Gauge, StatsStore } from '../stats/stats.ts';

/** Where batches go: a file by default, anything in tests. `done` must be called once per write. */
export interface LogSink {
  write(data: Buffer, done: (err: Error | null) => void): void;
  /** Best-effort final write at shutdown. */
  writeSync?(data: Buffer): void;
  close(): void;
}

export interface AccessLogWriterOptions {
  /** Default 16 MiB. */
  maxBufferBytes?: number;
  /** Flush once this much is batched (default 64 KiB)... */
  flushBytes?: number;
  /** ...or this long after the first line of a batch (default 100 ms). */
  flushIntervalMs?: number;
  /** Timers (tests drive them by hand). */
  timers?: TimerApi;
  sink?: LogSink;
}

export interface TimerApi {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TimerApi = {
  set: (fn, ms) => (ms === 0 ? setImmediate(fn) : setTimeout(fn, ms).unref()),
  clear: (h) => {
    clearTimeout(h as NodeJS.Timeout);
    clearImmediate(h as NodeJS.Immediate);
  },
};

interface WriterStats {
  writeBuffered: Counter;
  writeCompleted: Counter;
  writeFailed: Counter;
  droppedLines: Counter;
  totalBuffered: Gauge;
}

const CHUNK_BYTES = 256 * 1024;

export class AccessLogWriter {
  readonly path: string;
  private readonly sink: LogSink;
  private readonly maxBufferBytes: number;
  private readonly flushBytes: number;
  private readonly flushIntervalMs: number;
  private readonly timers: TimerApi;
  private timer: unknown = undefined;
  private readonly stats: WriterStats;
  /** Lines are encoded as they arrive into `chunk` from `start`; full chunks wait in `sealed`. */
  private chunk: Buffer = Buffer.allocUnsafe(0);
  private start = 0;
  private pos = 0;
  private sealed: Buffer[] = [];
  private batchBytes = 0;
  private writing = false;
  private closed = false;
  private readonly flushNow = (): void => this.flush();

  constructor(path: string, stats: StatsStore, options: AccessLogWriterOptions = {}) {
    this.path = path;
    this.sink = options.sink ?? new FileSink(path);
    this.maxBufferBytes = options.maxBufferBytes ?? 16 * 1024 * 1024;
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.timers = options.timers ?? realTimers;
    const s = stats.scope('access_logs.file.');
    this.stats = {
      writeBuffered: s.counter('write_buffered'),
      writeCompleted: s.counter('write_completed'),
      writeFailed: s.counter('write_failed'),
      droppedLines: s.counter('dropped_lines'),
      totalBuffered: s.gauge('write_total_buffered'),
    };
  }

  /**
   * Queues one line (with its newline). Never throws, never waits. The line is encoded into the
   * batch at once, so the string (often a rope of many pieces) dies young.
   */
  write(line: string): void {
    if (this.closed) return;
    const max = line.length * 3;
    if (this.batchBytes + line.length > this.maxBufferBytes) {
      this.stats.droppedLines.inc();
      return;
    }
    if (this.pos + max > this.chunk.length) this.newChunk(max);
    const n = this.chunk.write(line, this.pos);
    this.pos += n;
    this.batchBytes += n;
    this.stats.writeBuffered.inc();
    if (this.writing) return;
    if (this.batchBytes >= this.flushBytes) {
      if (this.timer !== undefined) this.timers.clear(this.timer);
      this.timer = this.timers.set(this.flushNow, 0);
    } else if (this.timer === undefined) {
      this.timer = this.timers.set(this.flushNow, this.flushIntervalMs);
    }
  }

  /** Bytes waiting to be written. */
  get pendingBytes(): number {
    return this.batchBytes;
  }

  /** Stops accepting lines; what is batched is written synchronously first (shutdown only). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    const data = this.take();
    if (data.length > 0) this.sink.writeSync?.(data);
    this.sink.close();
  }

  private newChunk(atLeast: number): void {
    if (this.pos > this.start) this.sealed.push(this.chunk.subarray(this.start, this.pos));
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.start = 0;
    this.pos = 0;
  }

  /** Everything batched, as one buffer; the batch is empty afterwards. */
  private take(): Buffer {
    const tail = this.chunk.subarray(this.start, this.pos);
    this.start = this.pos;
    const data = this.sealed.length === 0 ? tail : Buffer.concat([...this.sealed, tail]);
    this.sealed = [];
    this.batchBytes = 0;
    return data;
  }

  private flush(): void {
    this.timer = undefined;
    if (this.writing || this.batchBytes === 0) return;
    const data = this.take();
    this.writing = true;
    this.stats.totalBuffered.set(data.length);
    this.sink.write(data, (err) => {
      this.writing = false;
      this.stats.totalBuffered.set(0);
      if (err === null) this.stats.writeCompleted.inc();
      else this.stats.writeFailed.inc();
      if (this.batchBytes > 0 && !this.closed) {
        if (this.batchBytes >= this.flushBytes) this.flush();
        else this.timer ??= this.timers.set(this.flushNow, this.flushIntervalMs);
      }
    });
  }
}

/** Appends to a file through libuv's thread pool; opened on first write. */
class FileSink implements LogSink {
  private readonly path: string;
  private fd: number | undefined;

  constructor(path: string) {
    this.path = path;
  }

  write(data: Buffer, done: (err: Error | null) => void): void {
    if (this.fd !== undefined) return this.writeAll(this.fd, data, done);
    fs.open(this.path, 'a', (err, fd) => {
      if (err !== null) return done(err);
      this.fd = fd;
      this.writeAll(fd, data, done);
    });
  }

  writeSync(data: Buffer): void {
    try {
      const fd = this.fd ?? fs.openSync(this.path, 'a');
      this.fd = fd;
      fs.writeSync(fd, data);
    } catch {
      // Shutting down: a log line that cannot be written is lost, the exit is not delayed.
    }
  }

  close(): void {
    if (this.fd !== undefined && this.fd > 2) fs.close(this.fd, () => {});
    this.fd = undefined;
  }

  private writeAll(fd: number, buf: Buffer, done: (err: Error | null) => void): void {
    const step = (offset: number): void => {
      fs.write(fd, buf, offset, buf.length - offset, null, (err, n) => {
        if (err !== null) return done(err);
        if (offset + n < buf.length) return step(offset + n);
        done(null);
      });
    };
    step(0);
  }
}
