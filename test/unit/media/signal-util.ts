/** Deterministic test signals: seeded noise, concatenation of segments, framing. */
import { dbfsToAmplitude, ToneGenerator } from '../../../src/media/dsp/tone.js';

/** Mulberry32 PRNG: same seed, same signal. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Segment =
  | { digit: string; ms: number; dbfs: number; twistDb?: number }
  | { freq: number; ms: number; dbfs: number }
  | { silenceMs: number };

/** Builds a signal from segments at 8 kHz, optionally adding uniform noise at `noiseDbfs` (RMS). */
export function buildSignal(segments: Segment[], noiseDbfs: number | null = null, seed = 1): Int16Array {
  const total = segments.reduce((n, s) => n + ('silenceMs' in s ? s.silenceMs : s.ms) * 8, 0);
  const out = new Int16Array(total);
  const gen = new ToneGenerator();
  let o = 0;
  for (const s of segments) {
    const n = ('silenceMs' in s ? s.silenceMs : s.ms) * 8;
    if ('silenceMs' in s) gen.silence();
    else if ('digit' in s) gen.dtmf(s.digit, dbfsToAmplitude(s.dbfs), s.twistDb ?? 0);
    else gen.sine(s.freq, dbfsToAmplitude(s.dbfs));
    gen.generate(out, n, o);
    o += n;
  }
  if (noiseDbfs !== null) addNoise(out, noiseDbfs, seed);
  return out;
}

/** Adds uniform white noise with RMS at `dbfs` (relative to a full-scale sine's RMS). */
export function addNoise(x: Int16Array, dbfs: number, seed = 1): void {
  const r = rng(seed);
  // uniform in [-a, a] has RMS a/√3; full-scale sine RMS is 32767/√2
  const a = (dbfsToAmplitude(dbfs) / Math.SQRT2) * Math.sqrt(3);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! + (r() * 2 - 1) * a;
    x[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
  }
}

/** Calls fn for each 20 ms frame (the last one zero-padded), reusing one frame buffer. */
export function forEachFrame(x: Int16Array, fn: (frame: Int16Array) => void, frameSamples = 160): void {
  const f = new Int16Array(frameSamples);
  for (let o = 0; o < x.length; o += frameSamples) {
    f.fill(0);
    f.set(x.subarray(o, Math.min(x.length, o + frameSamples)));
    fn(f);
  }
}
