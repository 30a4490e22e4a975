import { SwbError } from '../kernel/errors.js';

/** Shared guards: every engine rejects non-finite or out-of-range input with SWB_WFM_INPUT. */
export function requireFinite(
  name: string,
  v: number,
  min = Number.NEGATIVE_INFINITY,
  max = Infinity,
): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new SwbError('SWB_WFM_INPUT', {
      reason: `${name} must be a finite number in [${min}, ${max}]`,
      value: v,
    });
  }
  return v;
}

export function requireInt(name: string, v: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  requireFinite(name, v, min, max);
  if (!Number.isInteger(v))
    throw new SwbError('SWB_WFM_INPUT', { reason: `${name} must be an integer`, value: v });
  return v;
}

export function inputError(reason: string, extra?: Record<string, unknown>): SwbError {
  return new SwbError('SWB_WFM_INPUT', { reason, ...extra });
}
