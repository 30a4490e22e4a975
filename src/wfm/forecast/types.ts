/**
 * Forecast inputs: one queue's history as a regular series of local-time interval slots
 * (periodsPerDay slots per local day, day 0 starting on `startWeekday`). The reports layer builds
 * it from contact records; on DST days the skipped hour is 0 and the repeated hour is summed, so
 * every local day has the same slots. Calendar regressors are given as day indices from day 0 and
 * may extend into the forecast horizon.
 */
export interface SeriesHistory {
  readonly periodsPerDay: number;
  /** Weekday of day 0: 0 = Sunday … 6 = Saturday. */
  readonly startWeekday: number;
  /** Day-of-month of day 0 (1..31) and the month length pattern come from startDate. */
  readonly startDate: { readonly year: number; readonly month: number; readonly day: number };
  /** Offered calls per slot, length = days × periodsPerDay. */
  readonly calls: readonly number[];
  /** Average handle time per slot in seconds (NaN/0 allowed where calls = 0). */
  readonly ahtSeconds?: readonly number[];
}

export interface CalendarEvents {
  /** Day indices of public holidays (past and future). */
  readonly holidays?: readonly number[];
  /** Campaign days (e.g. a mailing that lifts volume), past and future. */
  readonly campaigns?: readonly { readonly startDay: number; readonly days: number }[];
}

export type ForecastMethod = 'seasonal-naive' | 'regression' | 'holt-winters';

export interface Forecast {
  readonly method: ForecastMethod;
  /** Calls per slot for the horizon, length = horizonDays × periodsPerDay. */
  readonly calls: number[];
  readonly ahtSeconds: number[];
  readonly warnings: string[];
}

export interface AccuracyScore {
  /** Mean absolute percentage error over slots with actual ≥ 1 (null if none). */
  readonly mape: number | null;
  /** Weighted absolute percentage error Σ|e| / Σ|y| (null if Σ|y| = 0). */
  readonly wape: number | null;
}
