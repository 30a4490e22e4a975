import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../src/kernel/clock.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { emptyContactCounters } from '../../../src/reports/metrics/counters.js';
import { LiveGauges } from '../../../src/reports/realtime/live-gauges.js';
import { RollingWindow } from '../../../src/reports/realtime/rolling-window.js';
import { Wallboard } from '../../../src/reports/realtime/wallboard.js';

const MIN = 60_000;
const T = 't1';

describe('RollingWindow', () => {
  it('keeps exactly the last N buckets and drops late events', () => {
    const w = new RollingWindow(MIN, 15, emptyContactCounters);
    const t0 = Date.UTC(2026, 0, 1, 10);
    for (let i = 0; i < 30; i++) w.add(t0 + i * MIN, (c) => c.offered++);
    assert.equal(w.total(t0 + 29 * MIN).offered, 15); // minutes 15..29
    assert.equal(w.total(t0 + 35 * MIN).offered, 9); // minutes 21..29 remain
    w.add(t0 + 5 * MIN, (c) => c.offered++); // older than the window
    assert.equal(w.late, 1);
    assert.equal(w.total(t0 + 200 * MIN).offered, 0); // long idle: everything expired, O(N) not O(gap)
  });
});

describe('Wallboard', () => {
  const opts = { tenantId: T, timeZone: 'Europe/Berlin', slThresholdSeconds: 20, shortAbandonSeconds: 5 };

  it('rolling 15/60-minute counters and SL, ASA follow fake time', () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 10, 8, 0));
    const wb = new Wallboard(opts);
    const ev = (type: 'offered' | 'answered' | 'abandoned', wait = 0) =>
      wb.apply(
        type === 'offered'
          ? { type, tenantId: T, queueId: 'q', at: clock.now() }
          : { type, tenantId: T, queueId: 'q', at: clock.now(), waitSeconds: wait },
      );
    for (let i = 0; i < 10; i++) {
      ev('offered');
      clock.advance(5 * MIN);
    }
    ev('answered', 10);
    ev('answered', 30);
    ev('abandoned', 2);
    let s = wb.snapshot('q', clock.now());
    assert.equal(s.rolling[0]!.minutes, 15);
    assert.equal(s.rolling[0]!.metrics.offered, 2); // 15 one-minute buckets ending at t+50: minutes 36..50 hold t+40, t+45
    assert.equal(s.rolling[1]!.metrics.offered, 10);
    assert.equal(s.today.answered, 2);
    assert.equal(s.today.asaSeconds, 20);
    assert.equal(s.today.serviceLevel, 1 / (10 - 1)); // offered minus short abandons
    assert.equal(s.rolling[0]!.metrics.maxAnswerWaitSeconds, 30);
    clock.advance(61 * MIN);
    s = wb.snapshot('q', clock.now());
    assert.equal(s.rolling[1]!.metrics.offered, 0);
    assert.equal(s.rolling[1]!.metrics.maxAnswerWaitSeconds, 0);
    assert.equal(s.today.offered, 10);
  });

  it('"today" resets at local midnight, not UTC midnight', () => {
    const wb = new Wallboard(opts);
    // 23:30 Berlin (CEST, UTC+2) = 21:30Z
    const lateEvening = Date.UTC(2026, 5, 10, 21, 30);
    wb.apply({ type: 'offered', tenantId: T, queueId: 'q', at: lateEvening });
    // 00:10 UTC is already 02:10 in Berlin on the next day → reset happened at 22:00Z
    const s1 = wb.snapshot('q', Date.UTC(2026, 5, 10, 21, 59));
    assert.equal(s1.today.offered, 1);
    const s2 = wb.snapshot('q', Date.UTC(2026, 5, 10, 22, 0));
    assert.equal(s2.today.offered, 0);
    assert.equal(s2.todayStart, Date.UTC(2026, 5, 10, 22, 0));
    assert.equal(s2.rolling[1]!.metrics.offered, 1); // the rolling hour crosses midnight unharmed
  });

  it('the DST day in Berlin (2026-10-25) is 25 hours long for "today"', () => {
    const wb = new Wallboard(opts);
    const start = Date.UTC(2026, 9, 24, 22, 0); // local midnight CEST
    wb.apply({ type: 'offered', tenantId: T, queueId: 'q', at: start + 24 * 3_600_000 + 30 * MIN }); // 00:30Z+1d = 23:30 local
    const s = wb.snapshot('q', start + 24.9 * 3_600_000);
    assert.equal(s.todayStart, start);
    assert.equal(s.today.offered, 1);
    assert.equal(wb.snapshot('q', start + 25 * 3_600_000).today.offered, 0);
  });

  it('current 15-minute interval resets on the local quarter hour', () => {
    const wb = new Wallboard({ ...opts, timeZone: 'Asia/Kathmandu' }); // +05:45
    const t = Date.UTC(2026, 5, 10, 3, 14); // 09:00 local... 03:14Z = 08:59 local
    wb.apply({ type: 'offered', tenantId: T, queueId: 'q', at: t });
    assert.equal(wb.snapshot('q', t + 30_000).interval.offered, 1);
    assert.equal(wb.snapshot('q', t + MIN).interval.offered, 0); // 09:00 local: new interval
  });

  it('rejects events of another tenant and unknown time zones', () => {
    const wb = new Wallboard(opts);
    assert.throws(
      () => wb.apply({ type: 'offered', tenantId: 'x', queueId: 'q', at: 0 }),
      (e) => isSwbError(e, 'SWB_REPORTS_INPUT'),
    );
    assert.throws(
      () => new Wallboard({ ...opts, timeZone: 'Bad/Zone' }),
      (e) => isSwbError(e, 'SWB_REPORTS_TIMEZONE'),
    );
  });
});

describe('LiveGauges', () => {
  it('tracks callers waiting, the longest wait and agents per activity', () => {
    const g = new LiveGauges(T);
    const t0 = Date.UTC(2026, 5, 10, 9);
    g.callerQueued(T, 'q', 'c1', t0);
    g.callerQueued(T, 'q', 'c2', t0 + 10_000);
    g.callerQueued(T, 'q', 'c3', t0 + 20_000);
    assert.deepEqual(g.queue('q', t0 + 30_000), { queueId: 'q', waiting: 3, longestWaitSeconds: 30 });
    g.callerLeft(T, 'q', 'c1'); // answered
    assert.deepEqual(g.queue('q', t0 + 30_000), { queueId: 'q', waiting: 2, longestWaitSeconds: 20 });
    g.callerLeft(T, 'q', 'c3');
    g.callerLeft(T, 'q', 'c2');
    assert.deepEqual(g.queue('q', t0 + 30_000), { queueId: 'q', waiting: 0, longestWaitSeconds: 0 });
    g.agentActivity(T, 'a1', 'available');
    g.agentActivity(T, 'a2', 'available');
    g.agentActivity(T, 'a2', 'talking');
    g.agentActivity(T, 'a3', 'break');
    g.agentActivity(T, 'a3', 'logged_out');
    assert.deepEqual(g.agents(), { available: 1, talking: 1 });
    assert.throws(
      () => g.callerQueued('other', 'q', 'c9', t0),
      (e) => isSwbError(e, 'SWB_REPORTS_INPUT'),
    );
  });
});
