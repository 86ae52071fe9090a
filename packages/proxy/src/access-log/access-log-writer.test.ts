import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsStore } from '../stats/stats.ts';
import { AccessLogWriter, type LogSink } from './access-log-writer.ts';

/** A disk whose writes finish only when the test says so. */
class SlowSink implements LogSink {
  readonly writes: string[] = [];
  private pending: ((err: Error | null) => void)[] = [];
  write(data: Buffer, done: (err: Error | null) => void): void {
    this.writes.push(data.toString());
    this.pending.push(done);
  }
  finish(err: Error | null = null): void {
    this.pending.shift()?.(err);
  }
  close(): void {}
}

function setup(maxBufferBytes = 1000) {
  const stats = new StatsStore();
  const sink = new SlowSink();
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const writer = new AccessLogWriter('/x', stats, {
    sink,
    maxBufferBytes,
    flushBytes: 50,
    flushIntervalMs: 100,
    timers: {
      set: (fn, ms) => {
        timers.set(++next, { fn, ms });
        return next;
      },
      clear: (h) => timers.delete(h as number),
    },
  });
  const tick = (): void => {
    const due = [...timers.values()];
    timers.clear();
    for (const t of due) t.fn();
  };
  const stat = (n: string) => stats.counters.get(`access_logs.file.${n}`)?.value ?? 0;
  return { writer, sink, tick, stat };
}

describe('AccessLogWriter', () => {
  it('batches lines written while a write is in flight into the next write', () => {
    const { writer, sink, tick, stat } = setup();
    writer.write('a\n');
    writer.write('b\n');
    assert.equal(sink.writes.length, 0, 'nothing is written synchronously');
    tick();
    assert.deepEqual(sink.writes, ['a\nb\n']);
    writer.write('c\n');
    writer.write('d\n');
    tick();
    assert.equal(sink.writes.length, 1, 'one write in flight at a time');
    sink.finish();
    tick();
    assert.deepEqual(sink.writes, ['a\nb\n', 'c\nd\n']);
    sink.finish();
    assert.equal(stat('write_completed'), 2);
    assert.equal(stat('write_buffered'), 4);
  });

  it('flushes after the interval, or at once when the batch is large', () => {
    const { writer, sink, tick } = setup();
    writer.write('small\n');
    assert.equal(sink.writes.length, 0);
    tick();
    assert.deepEqual(sink.writes, ['small\n']);
    sink.finish();
    writer.write(`${'x'.repeat(60)}\n`);
    tick();
    assert.equal(sink.writes.length, 2);
  });

  it('bounds memory on a stuck disk: drops and counts lines past the limit, never throws', () => {
    const { writer, sink, tick, stat } = setup(100);
    writer.write('first\n');
    tick();
    for (let i = 0; i < 50; i++) writer.write('0123456789\n');
    assert.equal(writer.pendingBytes, 99);
    assert.equal(stat('dropped_lines'), 41);
    sink.finish(new Error('EIO'));
    assert.equal(stat('write_failed'), 1);
    assert.equal(sink.writes[1], '0123456789\n'.repeat(9));
  });
});
