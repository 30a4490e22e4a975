/** Seasonal-naive baseline: each slot repeats the same slot one week earlier (the usual yardstick). */
import { SwbError } from '../../kernel/errors.js';
import type { Forecast, SeriesHistory } from './types.js';

export function seasonalNaive(h: SeriesHistory, horizonDays: number, seasonDays = 7): Forecast {
  const season = seasonDays * h.periodsPerDay;
  if (h.calls.length < season) {
    throw new SwbError('SWB_WFM_HISTORY_TOO_SHORT', {
      method: 'seasonal-naive',
      needed: season,
      got: h.calls.length,
    });
  }
  const n = horizonDays * h.periodsPerDay;
  const calls: number[] = new Array(n);
  const aht: number[] = new Array(n);
  const base = h.calls.length - season;
  for (let i = 0; i < n; i++) {
    const src = base + (i % season);
    calls[i] = h.calls[src]!;
    const a = h.ahtSeconds?.[src];
    aht[i] = a !== undefined && Number.isFinite(a) ? a : 0;
  }
  return { method: 'seasonal-naive', calls, ahtSeconds: aht, warnings: [] };
}
