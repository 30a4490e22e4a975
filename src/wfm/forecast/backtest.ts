/**
 * Rolling-origin backtest: for each of the last `folds` weeks, train on everything before it and
 * forecast it; WAPE/MAPE are pooled over all held-out slots. forecastQueue() picks the method with
 * the lowest calls WAPE and forecasts the horizon with it.
 */
import { SwbError } from '../../kernel/errors.js';
import { accuracy } from './accuracy.js';
import { HW_MIN_DAYS, holtWintersForecast } from './holt-winters.js';
import { REGRESSION_MIN_DAYS, type RegressionOptions, regressionForecast } from './regression.js';
import { seasonalNaive } from './seasonal-naive.js';
import type { AccuracyScore, CalendarEvents, Forecast, ForecastMethod, SeriesHistory } from './types.js';

export interface MethodScore {
  readonly method: ForecastMethod;
  readonly calls: AccuracyScore;
  /** WAPE of handle time, weighted by actual calls. */
  readonly ahtWape: number | null;
}

const METHODS: readonly ForecastMethod[] = ['seasonal-naive', 'regression', 'holt-winters'];

function run(
  method: ForecastMethod,
  h: SeriesHistory,
  days: number,
  ev: CalendarEvents,
  o: RegressionOptions,
): Forecast {
  if (method === 'seasonal-naive') return seasonalNaive(h, days);
  if (method === 'holt-winters') return holtWintersForecast(h, days, ev);
  return regressionForecast(h, days, ev, o);
}

/** Methods with enough training data for a fold of `trainDays` days. */
function available(method: ForecastMethod, trainDays: number): boolean {
  if (method === 'holt-winters') return trainDays >= HW_MIN_DAYS;
  if (method === 'regression') return trainDays >= REGRESSION_MIN_DAYS;
  return trainDays >= 7;
}

function slice(h: SeriesHistory, days: number): SeriesHistory {
  const n = days * h.periodsPerDay;
  return { ...h, calls: h.calls.slice(0, n), ahtSeconds: h.ahtSeconds?.slice(0, n) };
}

export function backtest(
  h: SeriesHistory,
  ev: CalendarEvents = {},
  opts: { folds?: number; foldDays?: number; regression?: RegressionOptions } = {},
): MethodScore[] {
  const ppd = h.periodsPerDay;
  const days = Math.floor(h.calls.length / ppd);
  const folds = opts.folds ?? 4;
  const foldDays = opts.foldDays ?? 7;
  const minTrain = REGRESSION_MIN_DAYS;
  const usable = Math.min(folds, Math.floor((days - minTrain) / foldDays));
  if (usable < 1) {
    throw new SwbError('SWB_WFM_HISTORY_TOO_SHORT', {
      method: 'backtest',
      needed: (minTrain + foldDays) * ppd,
      got: h.calls.length,
    });
  }
  const firstTrain = days - usable * foldDays;
  // every method is scored on the same folds, so one that cannot train on the first fold sits out
  return METHODS.filter((m) => available(m, firstTrain)).map((method) => {
    const actual: number[] = [];
    const pred: number[] = [];
    let ahtErr = 0;
    let ahtW = 0;
    for (let f = usable; f >= 1; f--) {
      const trainDays = days - f * foldDays;
      const fc = run(method, slice(h, trainDays), foldDays, ev, opts.regression ?? {});
      for (let i = 0; i < foldDays * ppd; i++) {
        const idx = trainDays * ppd + i;
        const y = h.calls[idx]!;
        actual.push(y);
        pred.push(fc.calls[i]!);
        const a = h.ahtSeconds?.[idx];
        if (y > 0 && a !== undefined && a > 0) {
          ahtErr += y * Math.abs(a - fc.ahtSeconds[i]!);
          ahtW += y * a;
        }
      }
    }
    return { method, calls: accuracy(actual, pred), ahtWape: ahtW > 0 ? ahtErr / ahtW : null };
  });
}

export interface QueueForecast extends Forecast {
  readonly scores: MethodScore[];
}

export function forecastQueue(
  h: SeriesHistory,
  horizonDays: number,
  ev: CalendarEvents = {},
  opts: { folds?: number; regression?: RegressionOptions } = {},
): QueueForecast {
  if (!(Number.isInteger(horizonDays) && horizonDays >= 1 && horizonDays <= 366)) {
    throw new SwbError('SWB_WFM_INPUT', { reason: 'horizonDays must be an integer in 1..366' });
  }
  if (!(Number.isInteger(h.periodsPerDay) && h.periodsPerDay >= 1 && h.periodsPerDay <= 1440)) {
    throw new SwbError('SWB_WFM_INPUT', { reason: 'periodsPerDay must be an integer in 1..1440' });
  }
  if (h.calls.some((c) => !(Number.isFinite(c) && c >= 0))) {
    throw new SwbError('SWB_WFM_INPUT', { reason: 'calls must be finite and ≥ 0' });
  }
  const days = Math.floor(h.calls.length / h.periodsPerDay);
  if (days < 7) {
    throw new SwbError('SWB_WFM_HISTORY_TOO_SHORT', {
      method: 'any',
      needed: 7 * h.periodsPerDay,
      got: h.calls.length,
    });
  }
  const warnings: string[] = [];
  let scores: MethodScore[] = [];
  let method: ForecastMethod;
  try {
    scores = backtest(h, ev, opts);
    const rank = (s: MethodScore) => s.calls.wape ?? Number.POSITIVE_INFINITY;
    const best = [...scores].sort((a, b) => rank(a) - rank(b))[0]!;
    method = Number.isFinite(rank(best)) ? best.method : 'seasonal-naive';
    if (!Number.isFinite(rank(best))) warnings.push('no volume in the backtest weeks: accuracy undefined');
  } catch (e) {
    if (!(e instanceof SwbError) || e.code !== 'SWB_WFM_HISTORY_TOO_SHORT') throw e;
    method = days >= REGRESSION_MIN_DAYS ? 'regression' : 'seasonal-naive';
    warnings.push(`history of ${days} days is too short to backtest; using ${method} untested`);
  }
  const fc = run(method, h, horizonDays, ev, opts.regression ?? {});
  return { ...fc, warnings: [...warnings, ...fc.warnings], scores };
}
