/**
 * Double-seasonal Holt-Winters (Taylor, "Short-term electricity demand forecasting using double
 * seasonal exponential smoothing", JORS 54(8), 2003), additive, no trend:
 *   l_t = α(y_t − d_{t−s1} − w_{t−s2}) + (1−α) l_{t−1}
 *   d_t = δ(y_t − l_t − w_{t−s2}) + (1−δ) d_{t−s1}          (intraday, s1 = slots per day)
 *   w_t = ω(y_t − l_t − d_{t−s1}) + (1−ω) w_{t−s2}          (weekly,   s2 = 7·s1)
 *   ŷ_{t+h} = l_t + d_{t+h−s1⌈h/s1⌉} + w_{t+h−s2⌈h/s2⌉}
 * Initialised from the first two weeks; (α, δ, ω) chosen on a small grid by one-step squared error
 * over the rest. Known holidays and days flagged as outliers are not learnt from (the state carries
 * the prediction through them); a holiday in the horizon is scaled by the median actual/predicted
 * ratio of past holidays. Handle time uses the regression's estimate (see regression.ts).
 */
import { SwbError } from '../../kernel/errors.js';
import { median } from '../linalg.js';
import { regressionForecast } from './regression.js';
import type { CalendarEvents, Forecast, SeriesHistory } from './types.js';

export const HW_MIN_DAYS = 21;

const GRID = { alpha: [0.005, 0.02, 0.08], delta: [0.05, 0.2], omega: [0.05, 0.2] };

interface Run {
  sse: number;
  level: number;
  d: Float64Array;
  w: Float64Array;
  /** One-step predictions (for holiday ratios). */
  pred: Float64Array;
}

function run(
  y: readonly number[],
  s1: number,
  s2: number,
  skip: Uint8Array,
  a: number,
  dl: number,
  om: number,
): Run {
  // initialise: level = mean of first two weeks; weekly = mean per weekly slot minus level; intraday from it
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < 2 * s2; i++) mean += y[i]!;
  mean /= 2 * s2;
  const w = new Float64Array(s2);
  const d = new Float64Array(s1);
  for (let j = 0; j < s2; j++) w[j] = (y[j]! + y[j + s2]!) / 2 - mean;
  for (let k = 0; k < s1; k++) {
    let s = 0;
    for (let day = 0; day < 7; day++) s += w[day * s1 + k]!;
    d[k] = s / 7;
  }
  for (let j = 0; j < s2; j++) w[j]! -= d[j % s1]!;
  let level = mean;
  let sse = 0;
  const pred = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const di = t % s1;
    const wi = t % s2;
    const p = level + d[di]! + w[wi]!;
    pred[t] = p;
    const yt = y[t]!;
    if (t >= 2 * s2) sse += (yt - p) ** 2;
    if (skip[Math.floor(t / s1)]) continue;
    const l1 = a * (yt - d[di]! - w[wi]!) + (1 - a) * level;
    d[di] = dl * (yt - l1 - w[wi]!) + (1 - dl) * d[di]!;
    w[wi] = om * (yt - l1 - d[di]!) + (1 - om) * w[wi]!;
    level = l1;
  }
  return { sse, level, d, w, pred };
}

export function holtWintersForecast(
  h: SeriesHistory,
  horizonDays: number,
  ev: CalendarEvents = {},
): Forecast {
  const s1 = h.periodsPerDay;
  const s2 = 7 * s1;
  const days = Math.floor(h.calls.length / s1);
  if (days < HW_MIN_DAYS) {
    throw new SwbError('SWB_WFM_HISTORY_TOO_SHORT', {
      method: 'holt-winters',
      needed: HW_MIN_DAYS * s1,
      got: h.calls.length,
    });
  }
  const y = h.calls.slice(0, days * s1);
  // the regression knows outliers and gives the handle-time forecast
  const reg = regressionForecast(h, horizonDays, ev);
  const outliers = (reg.warnings.find((x) => x.startsWith('outlier days ignored: ')) ?? '')
    .replace('outlier days ignored: ', '')
    .split(', ')
    .filter((x) => x !== '')
    .map(Number);
  const holidays = new Set(ev.holidays ?? []);
  const skip = new Uint8Array(days);
  for (const d of [...holidays, ...outliers]) if (d >= 0 && d < days) skip[d] = 1;
  let best: Run | undefined;
  for (const a of GRID.alpha) {
    for (const dl of GRID.delta) {
      for (const om of GRID.omega) {
        const r = run(y, s1, s2, skip, a, dl, om);
        if (!best || r.sse < best.sse) best = r;
      }
    }
  }
  const b = best!;
  // holiday ratio from past holidays (actual / predicted daily totals)
  const ratios: number[] = [];
  for (const d of holidays) {
    if (d < 14 || d >= days) continue;
    let act = 0;
    let pr = 0;
    for (let i = d * s1; i < (d + 1) * s1; i++) {
      act += y[i]!;
      pr += Math.max(0, b.pred[i]!);
    }
    if (pr > 0) ratios.push(act / pr);
  }
  const holidayRatio = ratios.length > 0 ? median(ratios) : 1;
  const warnings: string[] = [];
  if (ratios.length === 0 && [...holidays].some((d) => d >= days && d < days + horizonDays)) {
    warnings.push('holiday in the horizon but none in the history: no holiday effect applied');
  }
  const n = y.length;
  const calls: number[] = [];
  for (let k = 0; k < horizonDays * s1; k++) {
    const t = n + k;
    const v = b.level + b.d[t % s1]! + b.w[t % s2]!;
    const day = Math.floor(t / s1);
    calls.push(Math.max(0, holidays.has(day) ? v * holidayRatio : v));
  }
  return { method: 'holt-winters', calls, ahtSeconds: reg.ahtSeconds, warnings };
}
