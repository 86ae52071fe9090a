import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from './clock.ts';
import { DeadlineList, type DeadlineNode, type TimerScheduler } from './deadline-list.ts';

/** A fake clock and scheduler: time moves only when the test says so. */
function fakeTime() {
  let now = 0;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Clock = { nowMs: () => now, wallMs: () => now };
  const timers: TimerScheduler = {
    set: (fn, delayMs) => {
      const id = nextId++;
      pending.push({ at: now + delayMs, fn, id });
      return id;
    },
    clear: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (;;) {
      pending.sort((a, b) => a.at - b.at);
      const due = pending[0];
      if (due === undefined || due.at > now) return;
      pending.shift();
      due.fn();
    }
  };
  return { clock, timers, advance, armed: () => pending.length };
}

class Item implements DeadlineNode {
  deadlinePrev: DeadlineNode | undefined;
  deadlineNext: DeadlineNode | undefined;
  deadlineAt = -1;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

describe('DeadlineList', () => {
  it('expires entries in order once their duration has passed', () => {
    const t = fakeTime();
    const expired: string[] = [];
    const list = new DeadlineList<Item>(100, (i) => expired.push(i.name), t.clock, t.timers);
    list.add(new Item('a'));
    t.advance(30);
    list.add(new Item('b'));
    t.advance(69);
    assert.deepEqual(expired, []);
    t.advance(1);
    assert.deepEqual(expired, ['a']);
    t.advance(30);
    assert.deepEqual(expired, ['a', 'b']);
    assert.equal(list.size, 0);
    assert.equal(t.armed(), 0);
  });

  it('never expires removed entries and keeps one timer for the whole list', () => {
    const t = fakeTime();
    const expired: string[] = [];
    const list = new DeadlineList<Item>(100, (i) => expired.push(i.name), t.clock, t.timers);
    const items = Array.from({ length: 1000 }, (_, i) => new Item(`i${i}`));
    for (const i of items) list.add(i);
    assert.equal(t.armed(), 1);
    for (const i of items.slice(0, 999)) list.remove(i);
    t.advance(100);
    assert.deepEqual(expired, ['i999']);
    assert.equal(items[0]!.deadlineAt, -1);
  });

  it('re-arms for the new oldest entry when the old one was removed', () => {
    const t = fakeTime();
    const expired: string[] = [];
    const list = new DeadlineList<Item>(100, (i) => expired.push(i.name), t.clock, t.timers);
    const a = new Item('a');
    list.add(a);
    t.advance(50);
    list.add(new Item('b'));
    list.remove(a);
    t.advance(50);
    assert.deepEqual(expired, []);
    t.advance(50);
    assert.deepEqual(expired, ['b']);
  });

  it('moves an entry to the back when it is added again', () => {
    const t = fakeTime();
    const expired: string[] = [];
    const list = new DeadlineList<Item>(100, (i) => expired.push(i.name), t.clock, t.timers);
    const a = new Item('a');
    list.add(a);
    t.advance(60);
    list.add(a);
    t.advance(60);
    assert.deepEqual(expired, []);
    t.advance(40);
    assert.deepEqual(expired, ['a']);
    assert.equal(list.size, 0);
  });
});
