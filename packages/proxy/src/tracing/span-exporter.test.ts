import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatsStore } from '../stats/stats.ts';
import { Span } from './span.ts';
import { SpanExporter, type TimerApi } from './span-exporter.ts';

function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: TimerApi = {
    set: (fn) => {
      pending.set(++next, fn);
      return next;
    },
    clear: (h) => pending.delete(h as number),
  };
  const fire = (): void => {
    const fns = [...pending.values()];
    pending.clear();
    for (const fn of fns) fn();
  };
  return { timers, fire, pending };
}

const span = (i: number) => new Span('a'.repeat(32), String(i).padStart(16, '0'), '', 2, '', 0);

describe('SpanExporter', () => {
  it('sends a batch on the timer or when full, one report at a time, and bounds the queue', () => {
    const stats = new StatsStore();
    const { timers, fire } = manualTimers();
    const sent: number[] = [];
    const callbacks: ((err: Error | null) => void)[] = [];
    const exporter = new SpanExporter({
      encodeSpan: (s) => s.spanId,
      encodeBatch: (spans) => String(spans.length),
      transport: {
        send: (body, done) => {
          sent.push(Number(body));
          callbacks.push(done);
        },
      },
      stats: stats.scope('tracing.test.'),
      maxQueuedSpans: 10,
      maxBatchSpans: 4,
      timers,
    });
    exporter.export(span(1));
    exporter.export(span(2));
    assert.deepEqual(sent, []);
    fire();
    assert.deepEqual(sent, [2]);
    for (let i = 0; i < 20; i++) exporter.export(span(i)); // collector stuck: queue fills to 10
    assert.equal(exporter.queued, 10);
    assert.equal(stats.counters.get('tracing.test.spans_dropped')?.value, 10);
    callbacks.shift()!(new Error('down'));
    assert.deepEqual(sent, [2, 4], 'the next full batch goes out as soon as the report returns');
    assert.equal(stats.counters.get('tracing.test.reports_failed')?.value, 1);
    callbacks.shift()!(null);
    assert.deepEqual(sent, [2, 4, 4]);
    callbacks.shift()!(null);
    fire();
    assert.deepEqual(sent, [2, 4, 4, 2]);
    callbacks.shift()!(null);
    assert.equal(stats.counters.get('tracing.test.spans_sent')?.value, 10);
  });
});
