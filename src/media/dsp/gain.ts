/** Gain and level helpers on Int16Array frames (in place, saturating, no allocation). */

export function dbToLinear(db: number): number {
  return 10 ** (db / 20);
}

/** Multiplies `n` samples by `g` with saturation, in place. */
export function applyGain(frame: Int16Array, g: number, n = frame.length): void {
  if (g === 1) return;
  for (let i = 0; i < n; i++) {
    const v = Math.round(frame[i]! * g);
    frame[i] = v > 32767 ? 32767 : Math.max(v, -32768);
  }
}

/** RMS of `n` samples. */
export function rms(frame: Int16Array, n = frame.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += frame[i]! * frame[i]!;
  return n === 0 ? 0 : Math.sqrt(s / n);
}

/** Level in dBFS relative to a full-scale sine (RMS 32767/√2); −Infinity for silence. */
export function levelDbfs(frame: Int16Array, n = frame.length): number {
  const r = rms(frame, n);
  return r === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10((r * Math.SQRT2) / 32767);
}
