import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Clock, FakeClock } from '../../../src/kernel/clock.js';
import { SampleFifo } from '../../../src/media/worker/sample-fifo.js';
import { Ticker } from '../../../src/media/worker/ticker.js';

describe('Ticker (one 20 ms tick per worker)', () => {
  it('ticks every 20 ms on the clock with deadlines that do not drift', () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const t = new Ticker(clock, (now) => at.push(now));
    t.start();
    clock.advance(100);
    assert.deepEqual(at, [20, 40, 60, 80, 100]);
    t.stop();
    clock.advance(100);
    assert.equal(at.length, 5);
    assert.equal(clock.pending, 0);
  });

  it('after a stall runs at most 3 ticks back to back and skips the rest (counted)', () => {
    const fake = new FakeClock();
    let stall = 0;
    // the same fake clock, but monotonic time can jump ahead of the timers (an event-loop stall)
    const clock: Clock = {
      now: () => fake.now() + stall,
      monotonic: () => fake.monotonic() + stall,
      setTimer: (ms, fn) => fake.setTimer(ms, fn),
      clearTimer: (h) => fake.clearTimer(h),
    };
    const at: number[] = [];
    const t = new Ticker(clock, (now) => at.push(now));
    t.start();
    fake.advance(20);
    assert.deepEqual(at, [20]);
    stall = 200; // the loop was blocked for 200 ms
    fake.advance(20);
    assert.deepEqual(at, [20, 40, 60, 80], 'three catch-up ticks');
    assert.equal(t.skipped, 8, 'ticks 100..240 skipped');
    fake.advance(20);
    assert.deepEqual(at.slice(4), [260], 'back on the 20 ms grid');
    t.stop();
  });
});

describe('SampleFifo', () => {
  it('pre-fills 40 ms, then plays out frames in order', () => {
    const f = new SampleFifo(1600, 320);
    const out = new Int16Array(160);
    const frame = (v: number) => new Int16Array(160).fill(v);
    f.push(frame(1), 160);
    assert.equal(f.pull(out), false);
    assert.equal(out[0], 0);
    f.push(frame(2), 160);
    assert.equal(f.pull(out), true);
    assert.equal(out[0], 1);
    assert.equal(f.pull(out), true);
    assert.equal(out[159], 2);
    assert.equal(f.pull(out), false, 'underflow');
    assert.equal(f.underflows, 1);
  });

  it('drops the oldest audio when full instead of growing', () => {
    const f = new SampleFifo(480, 160);
    const out = new Int16Array(160);
    for (let v = 1; v <= 5; v++) f.push(new Int16Array(160).fill(v), 160);
    assert.equal(f.size, 480);
    assert.equal(f.overflowed, 320);
    f.pull(out);
    assert.equal(out[0], 3);
  });

  it('accepts packets of any size (30 ms ptime)', () => {
    const f = new SampleFifo(1600, 320);
    const out = new Int16Array(160);
    const p = new Int16Array(240);
    for (let i = 0; i < 240; i++) p[i] = i;
    f.push(p, 240);
    f.push(p, 240);
    assert.equal(f.pull(out), true);
    assert.equal(out[159], 159);
    assert.equal(f.pull(out), true);
    assert.equal(out[0], 160);
    assert.equal(out[80], 0);
  });
});
