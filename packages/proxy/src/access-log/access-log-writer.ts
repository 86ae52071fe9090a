/**
 * Writes access log lines to a file without ever blocking the event loop or holding up a
 * response. Lines are appended to an in-memory batch; one asynchronous write is in flight at a
 * time and takes everything batched so far, so a slow disk makes batches bigger rather than
 * requests slower. The batch is bounded: past `maxBufferBytes` new lines are dropped and counted
 * (`access_logs.file.dropped_lines`); the request itself is never affected.
 */
import fs from 'node:fs';
import type { Counter, Gauge, StatsStore } from '../stats/stats.ts';

/** Where batches go: a file by default, anything in tests. `done` must be called once per write. */
export interface LogSink {
  write(data: string, done: (err: Error | null) => void): void;
  close(): void;
}

export interface AccessLogWriterOptions {
  /** Default 16 MiB. */
  maxBufferBytes?: number;
  /** Schedules a flush soon (default setImmediate); tests drive it by hand. */
  schedule?: (fn: () => void) => void;
  sink?: LogSink;
}

interface WriterStats {
  writeBuffered: Counter;
  writeCompleted: Counter;
  writeFailed: Counter;
  droppedLines: Counter;
  totalBuffered: Gauge;
}

export class AccessLogWriter {
  readonly path: string;
  private readonly sink: LogSink;
  private readonly maxBufferBytes: number;
  private readonly schedule: (fn: () => void) => void;
  private readonly stats: WriterStats;
  private batch: string[] = [];
  private batchBytes = 0;
  private writing = false;
  private scheduled = false;
  private closed = false;
  private readonly flushNow = (): void => this.flush();

  constructor(path: string, stats: StatsStore, options: AccessLogWriterOptions = {}) {
    this.path = path;
    this.sink = options.sink ?? new FileSink(path);
    this.maxBufferBytes = options.maxBufferBytes ?? 16 * 1024 * 1024;
    this.schedule = options.schedule ?? setImmediate;
    const s = stats.scope('access_logs.file.');
    this.stats = {
      writeBuffered: s.counter('write_buffered'),
      writeCompleted: s.counter('write_completed'),
      writeFailed: s.counter('write_failed'),
      droppedLines: s.counter('dropped_lines'),
      totalBuffered: s.gauge('write_total_buffered'),
    };
  }

  /** Queues one line (with its newline). Never throws, never waits. */
  write(line: string): void {
    if (this.closed) return;
    if (this.batchBytes + line.length > this.maxBufferBytes) {
      this.stats.droppedLines.inc();
      return;
    }
    this.batch.push(line);
    this.batchBytes += line.length;
    this.stats.writeBuffered.inc();
    if (!this.writing && !this.scheduled) {
      this.scheduled = true;
      this.schedule(this.flushNow);
    }
  }

  /** Bytes (UTF-16 units) waiting to be written. */
  get pendingBytes(): number {
    return this.batchBytes;
  }

  close(): void {
    this.closed = true;
    this.sink.close();
  }

  private flush(): void {
    this.scheduled = false;
    if (this.writing || this.batch.length === 0) return;
    const data = this.batch.length === 1 ? this.batch[0]! : this.batch.join('');
    this.batch = [];
    this.batchBytes = 0;
    this.writing = true;
    this.stats.totalBuffered.set(data.length);
    this.sink.write(data, (err) => {
      this.writing = false;
      this.stats.totalBuffered.set(0);
      if (err === null) this.stats.writeCompleted.inc();
      else this.stats.writeFailed.inc();
      if (this.batch.length > 0) this.flush();
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

  write(data: string, done: (err: Error | null) => void): void {
    if (this.fd !== undefined) return this.writeAll(this.fd, data, done);
    fs.open(this.path, 'a', (err, fd) => {
      if (err !== null) return done(err);
      this.fd = fd;
      this.writeAll(fd, data, done);
    });
  }

  close(): void {
    if (this.fd !== undefined && this.fd > 2) fs.close(this.fd, () => {});
    this.fd = undefined;
  }

  private writeAll(fd: number, data: string, done: (err: Error | null) => void): void {
    const buf = Buffer.from(data, 'utf8');
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
