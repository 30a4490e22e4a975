import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { accuracy } from '../../../src/wfm/forecast/accuracy.js';
import { backtest, forecastQueue } from '../../../src/wfm/forecast/backtest.js';
import { historyFromContacts } from '../../../src/wfm/forecast/from-records.js';
import { regressionForecast } from '../../../src/wfm/forecast/regression.js';
import { seasonalNaive } from '../../../src/wfm/forecast/seasonal-naive.js';
import { syntheticHistory } from '../../../src/wfm/forecast/synthetic.js';
import type { SeriesHistory } from '../../../src/wfm/forecast/types.js';

// 26 weeks of 15-minute history; holidays at days 108 (training) and 150, 171 (held out);
// a 6-day campaign from day 160 (held out); an unexplained ×3 outlier day at 40.
const synth = syntheticHistory({
  seed: 1,
  days: 182,
  holidays: [108, 150, 171],
  campaigns: [{ startDay: 160, days: 6 }],
});

const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);

describe('synthetic history', () => {
  it('is deterministic per seed and has the documented patterns', () => {
    const again = syntheticHistory({
      seed: 1,
      days: 182,
      holidays: [108, 150, 171],
      campaigns: [{ startDay: 160, days: 6 }],
    });
    assert.deepEqual(again.history.calls, synth.history.calls);
    const other = syntheticHistory({ seed: 2, days: 182 });
    assert.notDeepEqual(other.history.calls.slice(0, 500), synth.history.calls.slice(0, 500));
    const ppd = 96;
    const day = (d: number) => sum(synth.history.calls.slice(d * ppd, (d + 1) * ppd));
    // day 0 is Monday 2025-01-06; Sunday (day 6) is quieter than Monday (day 7)
    assert.ok(day(6) < 0.5 * day(7));
    assert.ok(day(108) < 0.4 * day(101)); // holiday vs same weekday a week earlier
    assert.ok(day(40) > 2.5 * day(33)); // outlier storm
    assert.ok(day(160) > 1.4 * day(153)); // campaign start
    // intraday: night slots are quiet, 10:30 is busy
    assert.ok(synth.history.calls[7 * ppd + 12]! < synth.history.calls[7 * ppd + 42]! / 10);
  });
});

describe('forecasting', () => {
  it('the regression beats seasonal-naive on held-out weeks by a clear margin (WAPE −30 % or more)', () => {
    const scores = backtest(synth.history, synth.events, { folds: 6 });
    const naive = scores.find((s) => s.method === 'seasonal-naive')!;
    const reg = scores.find((s) => s.method === 'regression')!;
    assert.ok(
      reg.calls.wape! < 0.7 * naive.calls.wape!,
      `reg ${reg.calls.wape} vs naive ${naive.calls.wape}`,
    );
    assert.ok(reg.calls.mape! < naive.calls.mape!);
    assert.ok(reg.ahtWape! < naive.ahtWape!);
    // and it is near the noise floor: within 25 % of the oracle that knows the true expected curve
    const ppd = 96;
    const from = (182 - 42) * ppd;
    const oracle = accuracy(synth.history.calls.slice(from), synth.expected.slice(from));
    assert.ok(reg.calls.wape! < 1.25 * oracle.wape!, `reg ${reg.calls.wape} vs oracle ${oracle.wape}`);
  });

  it('forecastQueue() picks the better method per queue and returns a full horizon', () => {
    const f = forecastQueue(synth.history, 7, synth.events, { folds: 4 });
    assert.equal(f.method, 'regression');
    assert.equal(f.calls.length, 7 * 96);
    assert.equal(f.ahtSeconds.length, 7 * 96);
    assert.ok(f.calls.every((v) => Number.isFinite(v) && v >= 0));
    assert.ok(
      f.ahtSeconds.every((v) => Number.isFinite(v) && v > 150 && v < 600),
      'AHT in range',
    );
    assert.ok(f.warnings.some((w) => w.includes('outlier days ignored: 40')));
  });

  it('a known future holiday and campaign move the forecast', () => {
    const base = regressionForecast(synth.history, 14, synth.events);
    const withEvents = regressionForecast(synth.history, 14, {
      ...synth.events,
      holidays: [...synth.events.holidays!, 183],
      campaigns: [...synth.events.campaigns!, { startDay: 190, days: 3 }],
    });
    const day = (f: number[], d: number) => sum(f.slice(d * 96, (d + 1) * 96));
    assert.ok(day(withEvents.calls, 1) < 0.5 * day(base.calls, 1)); // day 183 = horizon day 1
    assert.ok(day(withEvents.calls, 8) > 1.2 * day(base.calls, 8)); // day 190
  });

  it('double-seasonal Holt-Winters also beats seasonal-naive; the regression stays best here', () => {
    const scores = backtest(synth.history, synth.events, { folds: 6 });
    const by = (m: string) => scores.find((s) => s.method === m)!.calls.wape!;
    assert.ok(by('holt-winters') < 0.75 * by('seasonal-naive'), `hw ${by('holt-winters')}`);
    assert.ok(by('regression') < by('holt-winters'));
  });

  it('follows a permanent level shift (recency-weighted daily fit)', () => {
    const shifted = syntheticHistory({ seed: 5, days: 140, levelShift: { day: 100, factor: 1.6 } });
    const f = forecastQueue(shifted.history, 7, shifted.events);
    const by = (m: string) => f.scores.find((s) => s.method === m)!.calls.wape!;
    assert.equal(f.method, 'regression');
    assert.ok(by('regression') < by('seasonal-naive'), `${by('regression')} vs ${by('seasonal-naive')}`);
    // the generator's expected volume for the horizon (same seed, 7 more days)
    const truth = sum(
      syntheticHistory({ seed: 5, days: 147, levelShift: { day: 100, factor: 1.6 } }).expected.slice(
        140 * 96,
      ),
    );
    assert.ok(Math.abs(sum(f.calls) / truth - 1) < 0.08, `forecast ${sum(f.calls)} vs expected ${truth}`);
  });

  it('picks per queue: an exactly periodic queue goes to seasonal-naive', () => {
    const week = synth.expected.slice(0, 7 * 96).map(Math.round);
    const periodic: SeriesHistory = {
      ...synth.history,
      calls: Array.from({ length: 8 * 7 * 96 }, (_, i) => week[i % (7 * 96)]!),
      ahtSeconds: undefined,
    };
    const f = forecastQueue(periodic, 7);
    assert.equal(f.method, 'seasonal-naive');
    assert.equal(f.scores.find((s) => s.method === 'seasonal-naive')!.calls.wape, 0);
    assert.equal(f.scores.length, 3);
  });

  it('seasonal-naive repeats last week', () => {
    const f = seasonalNaive(synth.history, 7);
    assert.deepEqual(f.calls, synth.history.calls.slice(-7 * 96));
  });

  it('zero volume forecasts zero with a warning, never NaN', () => {
    const h: SeriesHistory = {
      ...synth.history,
      calls: new Array(28 * 96).fill(0),
      ahtSeconds: new Array(28 * 96).fill(0),
    };
    const f = forecastQueue(h, 7);
    assert.ok(f.calls.every((v) => v === 0));
    assert.ok(f.ahtSeconds.every((v) => v === 0));
    assert.ok(f.warnings.some((w) => w.includes('accuracy undefined')));
    assert.deepEqual(accuracy([0, 0], [1, 0]), { mape: null, wape: null });
  });

  it('short history: < 7 days rejected, 7..20 days best effort with a warning', () => {
    const short = (days: number): SeriesHistory => ({
      ...synth.history,
      calls: synth.history.calls.slice(0, days * 96),
      ahtSeconds: synth.history.ahtSeconds!.slice(0, days * 96),
    });
    assert.throws(
      () => forecastQueue(short(6), 7),
      (e) => isSwbError(e, 'SWB_WFM_HISTORY_TOO_SHORT'),
    );
    assert.throws(
      () => forecastQueue({ ...synth.history, calls: [] }, 7),
      (e) => isSwbError(e, 'SWB_WFM_HISTORY_TOO_SHORT'),
    );
    const week = forecastQueue(short(10), 7);
    assert.equal(week.method, 'seasonal-naive');
    assert.ok(week.warnings[0]!.includes('too short to backtest'));
    const twoWeeks = forecastQueue(short(16), 7);
    assert.equal(twoWeeks.method, 'regression');
    assert.ok(twoWeeks.calls.every(Number.isFinite));
  });

  it('rejects NaN/negative volumes and bad horizons with SWB_WFM_INPUT', () => {
    const bad = [...synth.history.calls.slice(0, 14 * 96)];
    bad[5] = Number.NaN;
    for (const [h, days] of [
      [{ ...synth.history, calls: bad }, 7],
      [{ ...synth.history, calls: bad.map(() => -1) }, 7],
      [synth.history, 0],
      [{ ...synth.history, periodsPerDay: 0 }, 7],
    ] as const) {
      assert.throws(
        () => forecastQueue(h, days),
        (e) => isSwbError(e, 'SWB_WFM_INPUT'),
      );
    }
  });
});

describe('historyFromContacts', () => {
  it('maps records to local wall-clock slots; the repeated DST hour is summed', () => {
    const rec = (id: string, at: number) => ({
      tenantId: 't1',
      contactId: id,
      direction: 'inbound' as const,
      queueId: 'q',
      offeredAt: at,
      answeredAt: at + 5000,
      endedAt: at + 200_000,
      talkSeconds: 200,
      holdSeconds: 0,
      acwSeconds: 40,
    });
    // New York, 2026-11-01: 01:30 EDT (05:30Z) and 01:30 EST (06:30Z) are the same wall-clock slot
    const h = historyFromContacts(
      [
        rec('a', Date.UTC(2026, 10, 1, 5, 30)),
        rec('b', Date.UTC(2026, 10, 1, 6, 30)),
        rec('c', Date.UTC(2026, 10, 2, 14)),
      ],
      {
        tenantId: 't1',
        queueId: 'q',
        timeZone: 'America/New_York',
        startDate: { year: 2026, month: 11, day: 1 },
        days: 2,
        slotMinutes: 30,
      },
    );
    assert.equal(h.startWeekday, 0); // Sunday
    assert.equal(h.calls[3], 2); // slot 01:30 of day 0
    assert.equal(h.calls[48 + 18], 1); // 09:00 local on day 1
    assert.equal(h.ahtSeconds![3], 240);
    assert.equal(sum(h.calls), 3);
  });
});
