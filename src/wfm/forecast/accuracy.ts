import type { AccuracyScore } from './types.js';

/** MAPE over slots with actual ≥ minActual (default 1), WAPE over all; null when undefined. */
export function accuracy(
  actual: readonly number[],
  forecast: readonly number[],
  minActual = 1,
): AccuracyScore {
  let absErr = 0;
  let absAct = 0;
  let apeSum = 0;
  let apeN = 0;
  const n = Math.min(actual.length, forecast.length);
  for (let i = 0; i < n; i++) {
    const y = actual[i]!;
    const e = Math.abs(y - forecast[i]!);
    absErr += e;
    absAct += Math.abs(y);
    if (y >= minActual) {
      apeSum += e / y;
      apeN++;
    }
  }
  return { mape: apeN > 0 ? apeSum / apeN : null, wape: absAct > 0 ? absErr / absAct : null };
}
