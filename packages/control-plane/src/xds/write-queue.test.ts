import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteQueue } from './write-queue.ts';

describe('WriteQueue', () => {
  it('writes at most maxInFlight responses at once, each stream in order, streams taking turns', () => {
    const queue = new WriteQueue({ maxInFlight: 2, slowWriteMs: 60_000 });
    const started: string[] = [];
    const done = new Map<string, () => void>();
    const writer = (stream: string) =>
      queue.writer((response, finish) => {
        started.push(`${stream}:${String(response)}`);
        done.set(`${stream}:${String(response)}`, finish);
      });
    const a = writer('a');
    const b = writer('b');
    const c = writer('c');
    a.send(1);
    a.send(2);
    b.send(1);
    c.send(1);
    assert.deepEqual(started, ['a:1', 'b:1']);
    assert.equal(queue.inFlight, 2);
    done.get('a:1')!();
    assert.deepEqual(started, ['a:1', 'b:1', 'c:1'], 'c waited its turn; a:2 goes after it');
    done.get('b:1')!();
    assert.deepEqual(started, ['a:1', 'b:1', 'c:1', 'a:2']);
    done.get('c:1')!();
    done.get('a:2')!();
    assert.equal(queue.inFlight, 0);
  });

  it('frees the place of a closed stream and of a write that takes too long', async () => {
    const queue = new WriteQueue({ maxInFlight: 1, slowWriteMs: 20 });
    const started: string[] = [];
    const stuck = queue.writer((response) => started.push(`stuck:${String(response)}`));
    const other = queue.writer((response, finish) => {
      started.push(`other:${String(response)}`);
      finish();
    });
    stuck.send(1);
    other.send(1);
    assert.deepEqual(started, ['stuck:1']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(started, ['stuck:1', 'other:1']);
    assert.equal(queue.slowWrites, 1);
    const closing = queue.writer((response) => started.push(`closing:${String(response)}`));
    closing.send(1);
    closing.send(2);
    closing.close();
    other.send(2);
    assert.deepEqual(started, ['stuck:1', 'other:1', 'closing:1', 'other:2']);
  });
});
