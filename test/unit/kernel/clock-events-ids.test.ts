import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { TypedEmitter } from '../../../src/kernel/events.js';
import { isValidId, newId, newSortableId } from '../../../src/kernel/ids.js';

describe('FakeClock', () => {
  it('fires timers in due order only when advanced past them', () => {
    const c = new FakeClock(1000);
    const fired: string[] = [];
    c.setTimer(50, () => fired.push('b'));
    c.setTimer(10, () => fired.push('a'));
    const h = c.setTimer(30, () => fired.push('cancelled'));
    c.setTimer(50, () => fired.push('c'));
    c.clearTimer(h);
    c.advance(9);
    assert.deepEqual(fired, []);
    c.advance(41);
    assert.deepEqual(fired, ['a', 'b', 'c']);
    assert.equal(c.now(), 1050);
    assert.equal(c.pending, 0);
  });

  it('timers set by timers fire within the same advance when due', () => {
    const c = new FakeClock(0);
    const at: number[] = [];
    const tick = () => {
      at.push(c.monotonic());
      if (at.length < 5) c.setTimer(20, tick);
    };
    c.setTimer(20, tick);
    c.advance(1000);
    assert.deepEqual(at, [20, 40, 60, 80, 100]);
  });
});

describe('TypedEmitter.safeEmit', () => {
  it('a throwing listener is reported and the others still run', () => {
    const errors: unknown[] = [];
    const e = new TypedEmitter<{ ping: [n: number] }>((err) => errors.push(err));
    const got: number[] = [];
    e.on('ping', () => {
      throw new Error('bad plugin');
    });
    e.on('ping', (n) => got.push(n));
    assert.equal(e.safeEmit('ping', 7), true);
    assert.deepEqual(got, [7]);
    assert.equal((errors[0] as Error).message, 'bad plugin');
  });

  it('once() and off() remove listeners', () => {
    const e = new TypedEmitter<{ x: [] }>();
    let n = 0;
    e.once('x', () => n++);
    const off = e.on('x', () => n++);
    e.safeEmit('x');
    off();
    e.safeEmit('x');
    assert.equal(n, 2);
    assert.equal(e.listenerCount('x'), 0);
  });
});

describe('ids', () => {
  it('are prefixed, valid and distinct', () => {
    const a = newId('user');
    assert.match(a, /^usr_[0-9a-z]{20}$/);
    assert.ok(isValidId(a, 'user'));
    assert.ok(!isValidId(a, 'tenant'));
    assert.ok(!isValidId('usr_ABC'));
    assert.ok(!isValidId(42));
    assert.notEqual(newId('user'), a);
  });

  it('sortable ids sort by time, then by creation order within one millisecond', () => {
    const ids = [newSortableId('audit', 5000), newSortableId('audit', 5000), newSortableId('audit', 5001)];
    ids.push(newSortableId('audit', 5001));
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ids.every((i) => isValidId(i, 'audit')));
  });
});
