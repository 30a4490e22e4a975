/**
 * Tone generator: sines and DTMF pairs into Int16Array frames, phase-continuous across calls
 * (so a tone split over 20 ms frames has no clicks). Used for ringback/beeps, RFC 4733 → in-band
 * regeneration and by tests to make reference signals.
 */
import { clamp16, SAMPLE_RATE } from '../audio.js';

export const DTMF_ROW_HZ = [697, 770, 852, 941] as const;
export const DTMF_COL_HZ = [1209, 1336, 1477, 1633] as const;
const KEYS = ['123A', '456B', '789C', '*0#D'];

/** Row and column frequencies of a DTMF key, or null. */
export function dtmfFrequencies(digit: string): [number, number] | null {
  const d = digit.toUpperCase();
  for (let r = 0; r < 4; r++) {
    const c = KEYS[r]!.indexOf(d);
    if (c >= 0 && d.length === 1) return [DTMF_ROW_HZ[r]!, DTMF_COL_HZ[c]!];
  }
  return null;
}

/** Amplitude for a level in dBFS (0 dBFS = full-scale sine, peak 32767). */
export function dbfsToAmplitude(dbfs: number): number {
  return 32767 * 10 ** (dbfs / 20);
}

export class ToneGenerator {
  #f1 = 0;
  #f2 = 0;
  #a1 = 0;
  #a2 = 0;
  #p1 = 0;
  #p2 = 0;
  constructor(readonly sampleRate = SAMPLE_RATE) {}

  /** One sine (freq Hz, peak amplitude). Frequency 0 or amplitude 0 gives silence. */
  sine(freqHz: number, amplitude: number): this {
    this.#f1 = freqHz;
    this.#a1 = amplitude;
    this.#a2 = 0;
    return this;
  }

  /** Two sines (e.g. a DTMF pair or a 350+440 Hz dial tone). */
  dual(f1: number, a1: number, f2: number, a2: number): this {
    this.#f1 = f1;
    this.#a1 = a1;
    this.#f2 = f2;
    this.#a2 = a2;
    return this;
  }

  /** A DTMF key at `amplitude` per tone (e.g. dbfsToAmplitude(-10)). Returns false for an unknown key. */
  dtmf(digit: string, amplitude: number, twistDb = 0): boolean {
    const f = dtmfFrequencies(digit);
    if (!f) return false;
    this.dual(f[0], amplitude, f[1], amplitude * 10 ** (twistDb / 20));
    return true;
  }

  silence(): this {
    this.#a1 = 0;
    this.#a2 = 0;
    return this;
  }

  /** Writes `n` samples (default out.length) at `offset`, continuing the phase. */
  generate(out: Int16Array, n = out.length, offset = 0): void {
    const w1 = (2 * Math.PI * this.#f1) / this.sampleRate;
    const w2 = (2 * Math.PI * this.#f2) / this.sampleRate;
    const a1 = this.#a1;
    const a2 = this.#a2;
    let p1 = this.#p1;
    let p2 = this.#p2;
    for (let i = 0; i < n; i++) {
      out[offset + i] = clamp16(Math.round(a1 * Math.sin(p1) + a2 * Math.sin(p2)));
      p1 += w1;
      p2 += w2;
    }
    this.#p1 = p1 % (2 * Math.PI);
    this.#p2 = p2 % (2 * Math.PI);
  }
}
