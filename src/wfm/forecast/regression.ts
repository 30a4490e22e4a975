/**
 * Multiple-seasonality regression forecast.
 * 1. Daily totals: robust (Huber IRLS) least squares on log(1 + total) with an intercept, a trend
 *    (histories ≥ 8 weeks), day-of-week dummies, start/end-of-month dummies, a holiday dummy and
 *    campaign-day dummies (day 1, day 2, day 3+). Days whose residual exceeds `outlierSigmas` robust
 *    standard deviations are flagged as outliers and get zero weight.
 * 2. Intraday × weekday profile: each slot's share of its day, averaged over the last
 *    `profileWeeks` weeks per weekday (outliers and holidays excluded) — the intraday seasonality
 *    nested in the weekly one.
 * 3. Handle time: calls-weighted mean per weekday × slot over the same weeks, shrunk towards the
 *    slot's all-week mean (20 pseudo-calls), so thin slots do not swing.
 */
import { SwbError } from '../../kernel/errors.js';
import { median, weightedLeastSquares } from '../linalg.js';
import { dateOf, weekdayOf } from './calendar.js';
import type { CalendarEvents, Forecast, SeriesHistory } from './types.js';

export interface RegressionOptions {
  readonly profileWeeks?: number;
  readonly outlierSigmas?: number;
  /** Half-life of the recency weights of the daily fit (default 42 days). */
  readonly halfLifeDays?: number;
}

export const REGRESSION_MIN_DAYS = 14;

interface Fitted {
  beta: number[];
  useTrend: boolean;
  smear: number;
  outliers: Set<number>;
}

function features(
  h: SeriesHistory,
  ev: CalendarEvents,
  d: number,
  useTrend: boolean,
  holidays: Set<number>,
): number[] {
  const wd = weekdayOf(h, d);
  const { dom, daysInMonth } = dateOf(h, d);
  const f = [1, useTrend ? d / 365 : 0];
  for (let k = 1; k <= 6; k++) f.push(wd === k ? 1 : 0);
  f.push(dom <= 5 ? 1 : 0, dom > daysInMonth - 2 ? 1 : 0, holidays.has(d) ? 1 : 0);
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  for (const c of ev.campaigns ?? []) {
    const k = d - c.startDay;
    if (k < 0 || k >= c.days) continue;
    if (k === 0) c0 = 1;
    else if (k === 1) c1 = 1;
    else c2 = 1;
  }
  f.push(c0, c1, c2);
  return f;
}

function fitDaily(h: SeriesHistory, ev: CalendarEvents, totals: number[], o: RegressionOptions): Fitted {
  const days = totals.length;
  const useTrend = days >= 56;
  const holidays = new Set(ev.holidays ?? []);
  const x = totals.map((_, d) => features(h, ev, d, useTrend, holidays));
  const y = totals.map((t) => Math.log1p(t));
  // recency weights: recent days count more, so a level shift is followed within weeks
  const half = o.halfLifeDays ?? 42;
  const rec = totals.map((_, d) => 0.5 ** ((days - 1 - d) / half));
  const w = [...rec];
  let beta = weightedLeastSquares(x, y, w);
  let resid: number[] = [];
  let sigma = 0;
  for (let iter = 0; iter < 6; iter++) {
    resid = y.map((v, i) => v - dot(x[i]!, beta));
    sigma = 1.4826 * median(resid.map(Math.abs)) || 1e-6;
    const c = 1.345 * sigma;
    for (let i = 0; i < days; i++) w[i] = rec[i]! * (Math.abs(resid[i]!) <= c ? 1 : c / Math.abs(resid[i]!));
    beta = weightedLeastSquares(x, y, w);
  }
  resid = y.map((v, i) => v - dot(x[i]!, beta));
  const outliers = new Set<number>();
  const k = o.outlierSigmas ?? 4;
  for (let i = 0; i < days; i++) if (Math.abs(resid[i]!) > k * Math.max(sigma, 0.02)) outliers.add(i);
  if (outliers.size > 0) {
    for (const i of outliers) w[i] = 0;
    beta = weightedLeastSquares(x, y, w);
    resid = y.map((v, i) => v - dot(x[i]!, beta));
  }
  // smearing correction for the log transform (Duan): mean of exp(residual) over inliers
  let s = 0;
  let n = 0;
  for (let i = 0; i < days; i++) {
    if (outliers.has(i)) continue;
    s += Math.exp(resid[i]!);
    n++;
  }
  return { beta, useTrend, smear: n > 0 ? s / n : 1, outliers };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function regressionForecast(
  h: SeriesHistory,
  horizonDays: number,
  ev: CalendarEvents = {},
  o: RegressionOptions = {},
): Forecast {
  const ppd = h.periodsPerDay;
  const days = Math.floor(h.calls.length / ppd);
  if (days < REGRESSION_MIN_DAYS) {
    throw new SwbError('SWB_WFM_HISTORY_TOO_SHORT', {
      method: 'regression',
      needed: REGRESSION_MIN_DAYS * ppd,
      got: h.calls.length,
    });
  }
  const warnings: string[] = [];
  const totals: number[] = [];
  for (let d = 0; d < days; d++) {
    let t = 0;
    for (let i = 0; i < ppd; i++) t += h.calls[d * ppd + i]!;
    totals.push(t);
  }
  const fit = fitDaily(h, ev, totals, o);
  if (fit.outliers.size > 0) warnings.push(`outlier days ignored: ${[...fit.outliers].join(', ')}`);
  const holidays = new Set(ev.holidays ?? []);
  if (
    ![...holidays].some((d) => d < days) &&
    [...holidays].some((d) => d >= days && d < days + horizonDays)
  ) {
    warnings.push('holiday in the horizon but none in the history: no holiday effect applied');
  }

  // intraday × weekday profiles and AHT over the last profileWeeks weeks
  const weeks = o.profileWeeks ?? 8;
  const from = Math.max(0, days - weeks * 7);
  const share = Array.from({ length: 7 }, () => new Array(ppd).fill(0));
  const dayTot = new Array(7).fill(0);
  const allShare = new Array(ppd).fill(0);
  let allTot = 0;
  const ahtNum = Array.from({ length: 7 }, () => new Array(ppd).fill(0));
  const ahtDen = Array.from({ length: 7 }, () => new Array(ppd).fill(0));
  const slotNum = new Array(ppd).fill(0);
  const slotDen = new Array(ppd).fill(0);
  for (let d = from; d < days; d++) {
    if (fit.outliers.has(d) || holidays.has(d)) continue;
    const wd = weekdayOf(h, d);
    for (let i = 0; i < ppd; i++) {
      const c = h.calls[d * ppd + i]!;
      share[wd]![i] += c;
      allShare[i] += c;
      const a = h.ahtSeconds?.[d * ppd + i];
      if (c > 0 && a !== undefined && Number.isFinite(a) && a > 0) {
        ahtNum[wd]![i] += c * a;
        ahtDen[wd]![i] += c;
        slotNum[i] += c * a;
        slotDen[i] += c;
      }
    }
    dayTot[wd] += totals[d]!;
    allTot += totals[d]!;
  }
  const totNum = slotNum.reduce((s, v) => s + v, 0);
  const totDen = slotDen.reduce((s, v) => s + v, 0);
  const overallAht = totDen > 0 ? totNum / totDen : 0;
  if (totDen === 0 && h.ahtSeconds) warnings.push('no handle-time data: AHT forecast is 0');

  const calls: number[] = [];
  const aht: number[] = [];
  for (let d = days; d < days + horizonDays; d++) {
    const wd = weekdayOf(h, d);
    const total = Math.max(
      0,
      Math.expm1(dot(features(h, ev, d, fit.useTrend, holidays), fit.beta)) * fit.smear,
    );
    for (let i = 0; i < ppd; i++) {
      const sh = dayTot[wd] > 0 ? share[wd]![i] / dayTot[wd] : allTot > 0 ? allShare[i] / allTot : 1 / ppd;
      calls.push(total * sh);
      const prior = slotDen[i] > 0 ? (slotNum[i] + 20 * overallAht) / (slotDen[i] + 20) : overallAht;
      aht.push((ahtNum[wd]![i] + 20 * prior) / (ahtDen[wd]![i] + 20));
    }
  }
  return { method: 'regression', calls, ahtSeconds: aht, warnings };
}
