/**
 * The access logs of one connection manager or TCP proxy: each configured log's compiled format
 * and its (shared, per path) writer. Logging a finished exchange formats one line per log.
 */
import type { AccessLog } from '@tandem/api/envoy';
import type { AccessLogWriter } from './access-log-writer.ts';
import type { LogEntry } from './log-entry.ts';
import { compileLogFormat, type LogFormatter } from './log-formatter.ts';

export class AccessLogger {
  private readonly formatters: LogFormatter[];
  private readonly writers: AccessLogWriter[];

  constructor(logs: readonly AccessLog[], writerFor: (path: string) => AccessLogWriter) {
    this.formatters = logs.map((l) => compileLogFormat(l.format));
    this.writers = logs.map((l) => writerFor(l.path));
  }

  log(entry: LogEntry, durationMs: number): void {
    for (let i = 0; i < this.writers.length; i++)
      this.writers[i]!.write(this.formatters[i]!(entry, durationMs));
  }
}
