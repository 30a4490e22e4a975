import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { SlidingWindowLimiter } from '../../../src/sip/trunk/rate-limiter.js';

describe('SlidingWindowLimiter (fake clock)', () => {
  it('admits exactly max per window, then one more as each instant leaves the window', () => {
    const clock = new FakeClock(1_000_000);
    const l = new SlidingWindowLimiter(clock, 60_000);
    const at: number[] = [];
    for (let i = 0; i < 10; i++) {
      assert.equal(l.take('a', 10), true, `call ${i + 1}`);
      at.push(clock.now());
      clock.advance(1_000);
    }
    assert.equal(l.take('a', 10), false, 'the 11th inside the minute');
    assert.equal(l.count('a'), 10);
    // the first call was at t0; at t0 + 60 s it leaves the window (exclusive start)
    assert.equal(l.retryAfterMs('a', 10), at[0]! + 60_000 - clock.now());
    clock.advance(at[0]! + 60_000 - clock.now() - 1);
    assert.equal(l.take('a', 10), false, '1 ms before the oldest leaves');
    clock.advance(1);
    assert.equal(l.take('a', 10), true, 'the oldest left the window');
    assert.equal(l.take('a', 10), false);
  });

  it('keys are independent; a refused take is not counted', () => {
    const clock = new FakeClock();
    const l = new SlidingWindowLimiter(clock, 60_000);
    assert.equal(l.take('a', 1), true);
    for (let i = 0; i < 5; i++) assert.equal(l.take('a', 1), false);
    assert.equal(l.count('a'), 1);
    assert.equal(l.take('b', 1), true);
    clock.advance(60_000);
    assert.equal(l.take('a', 1), true);
  });

  it('max 0 refuses everything; null limits nothing but still counts', () => {
    const clock = new FakeClock();
    const l = new SlidingWindowLimiter(clock);
    assert.equal(l.take('z', 0), false);
    for (let i = 0; i < 50; i++) assert.equal(l.take('n', null), true);
    assert.equal(l.count('n'), 50);
    assert.equal(l.take('n', 50), false, 'a limit set later sees the recent past');
  });

  it('keys whose window emptied are dropped (no leak over many callers)', () => {
    const clock = new FakeClock();
    const l = new SlidingWindowLimiter(clock, 60_000);
    for (let i = 0; i < 1000; i++) l.take(`acct-${i}`, 10);
    assert.equal(l.size, 1000);
    clock.advance(61_000);
    for (let i = 0; i < 256; i++) l.take('again', null);
    assert.equal(l.size, 1, 'only the key still in its window');
  });
});
