/**
 * Realistic synthetic call history for tests and demos (seeded): a double-peaked intraday curve
 * whose shape differs at weekends, weekly and start-/end-of-month patterns, a slow trend,
 * over-dispersed Poisson noise, public holidays, a campaign spike with decay, and one unexplained
 * outlier day (an outage storm) that is NOT given to the forecaster as a regressor.
 */
import { createRng, gamma, lognormal, poisson } from '../rng.js';
import { dateOf, weekdayOf } from './calendar.js';
import type { CalendarEvents, SeriesHistory } from './types.js';

export interface SyntheticOptions {
  readonly seed: number;
  readonly days: number;
  readonly periodsPerDay?: number;
  readonly startDate?: { year: number; month: number; day: number };
  /** Average calls on a plain Tuesday. */
  readonly dailyVolume?: number;
  readonly holidays?: readonly number[];
  readonly campaigns?: readonly { startDay: number; days: number; lift?: number }[];
  /** Day with an unexplained spike (×3), or -1 for none. Default: day 40 when the history is long enough. */
  readonly outlierDay?: number;
  readonly ahtSeconds?: number;
  /** Yearly growth (0.1 = +10 %/year). */
  readonly trendPerYear?: number;
  /** A permanent step change (e.g. a new product line routed to the queue) from `day` on. */
  readonly levelShift?: { readonly day: number; readonly factor: number };
}

export interface SyntheticHistory {
  readonly history: SeriesHistory;
  readonly events: CalendarEvents;
  /** The noise-free expected calls per slot (for inspection and tests). */
  readonly expected: number[];
  readonly outlierDay: number;
}

const WEEKDAY = [0.45, 1.25, 1.1, 1.0, 1.0, 0.95, 0.6]; // Sun..Sat

function intraday(hour: number, weekend: boolean): number {
  const g = (mu: number, s: number) => Math.exp(-0.5 * ((hour - mu) / s) ** 2);
  if (weekend) return 0.02 + 0.9 * g(12, 2.5) + 0.5 * g(17, 2);
  return 0.02 + 1.0 * g(10.5, 1.4) + 0.85 * g(14.75, 1.7) + 0.3 * g(19.5, 1.3);
}

export function syntheticHistory(o: SyntheticOptions): SyntheticHistory {
  const rng = createRng(o.seed);
  const ppd = o.periodsPerDay ?? 96;
  const startDate = o.startDate ?? { year: 2025, month: 1, day: 6 }; // a Monday
  const startWeekday = new Date(Date.UTC(startDate.year, startDate.month - 1, startDate.day)).getUTCDay();
  const daily = o.dailyVolume ?? 2000;
  const holidays = new Set(o.holidays ?? []);
  const campaigns = o.campaigns ?? [];
  const outlierDay = o.outlierDay ?? (o.days > 60 ? 40 : -1);
  const trend = o.trendPerYear ?? 0.1;
  const aht0 = o.ahtSeconds ?? 280;
  const h0 = { startWeekday, startDate };
  // normalise each intraday shape to sum 1
  const shape = (weekend: boolean) => {
    const s = Array.from({ length: ppd }, (_, i) => intraday(((i + 0.5) * 24) / ppd, weekend));
    const tot = s.reduce((a, b) => a + b, 0);
    return s.map((v) => v / tot);
  };
  const weekdayShape = shape(false);
  const weekendShape = shape(true);
  const calls: number[] = [];
  const aht: number[] = [];
  const expected: number[] = [];
  for (let d = 0; d < o.days; d++) {
    const wd = weekdayOf(h0, d);
    const { dom, daysInMonth } = dateOf(h0, d);
    let level = (daily / WEEKDAY[2]!) * WEEKDAY[wd]! * (1 + (trend * d) / 365);
    if (dom <= 5) level *= 1.2;
    if (dom > daysInMonth - 2) level *= 1.1;
    if (holidays.has(d)) level *= 0.25;
    if (o.levelShift && d >= o.levelShift.day) level *= o.levelShift.factor;
    for (const c of campaigns) {
      if (d >= c.startDay && d < c.startDay + c.days) level *= 1 + (c.lift ?? 0.6) * 0.85 ** (d - c.startDay);
    }
    const dayNoise = gamma(rng, 400, 1 / 400); // ±5 % day-level over-dispersion
    const outlier = d === outlierDay ? 3 : 1;
    const sh = wd === 0 || wd === 6 ? weekendShape : weekdayShape;
    for (let i = 0; i < ppd; i++) {
      const mean = level * sh[i]!;
      expected.push(mean);
      const n = poisson(rng, mean * dayNoise * outlier);
      calls.push(n);
      const hour = ((i + 0.5) * 24) / ppd;
      const slotAht = aht0 * (hour >= 18 ? 1.15 : 1) * (wd === 1 ? 1.05 : 1);
      aht.push(n > 0 ? lognormal(rng, slotAht, 0.8 / Math.sqrt(n)) : 0);
    }
  }
  return {
    history: { periodsPerDay: ppd, startWeekday, startDate, calls, ahtSeconds: aht },
    events: {
      holidays: [...holidays],
      campaigns: campaigns.map((c) => ({ startDay: c.startDay, days: c.days })),
    },
    expected,
    outlierDay,
  };
}
