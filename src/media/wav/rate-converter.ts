/**
 * Arbitrary-ratio sample-rate converter for prompts (e.g. 11.025, 22.05, 32, 44.1, 48 kHz → 8 kHz),
 * band-limited interpolation with a Kaiser-windowed sinc (β = 8, ±24 zero crossings of the
 * narrower band), cutoff at 0.46 × the lower rate (3.68 kHz for 8 kHz output): 3.4 kHz is within
 * 0.2 dB and a 4.1 kHz input (3.9 kHz alias) is ~80 dB down. Cost grows with the input rate:
 * 44.1 kHz → 8 kHz uses 288 taps per output sample. A 128-phase coefficient table is built
 * once per rate pair and cached; the nearest phase is used (timing error ≤ 1/256 sample).
 * Works on a whole source buffer with random access: fill() produces the next output samples,
 * so the player can convert progressively, a frame at a time, with no allocation per call.
 */
const PHASES = 128;
const ZERO_CROSSINGS = 24;
const BETA = 8;

interface Table {
  taps: number;
  /** Index of the centre tap: output at input position x uses samples floor(x) − half + 1 … */
  half: number;
  coef: Float32Array;
}

const cache = new Map<string, Table>();

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 60; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

function tableFor(fromRate: number, toRate: number): Table {
  const key = `${fromRate}:${toRate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // cutoff in cycles per input sample
  const fc = (0.46 * Math.min(fromRate, toRate)) / fromRate;
  const halfWidth = ZERO_CROSSINGS / (2 * fc); // in input samples
  const half = Math.ceil(halfWidth);
  const taps = 2 * half;
  const coef = new Float32Array(PHASES * taps);
  const i0b = besselI0(BETA);
  for (let p = 0; p < PHASES; p++) {
    const frac = p / PHASES;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const t = k - half + 1 - frac; // distance from the output instant, in input samples
      const x = 2 * fc * t;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = t / halfWidth;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(BETA * Math.sqrt(1 - r * r)) / i0b;
      const v = 2 * fc * sinc * w;
      coef[p * taps + k] = v;
      sum += v;
    }
    for (let k = 0; k < taps; k++) coef[p * taps + k] = coef[p * taps + k]! / sum; // unity DC gain
  }
  const t: Table = { taps, half, coef };
  cache.set(key, t);
  return t;
}

export class RateConverter {
  readonly length: number;
  readonly #src: Int16Array;
  readonly #step: number;
  readonly #t: Table;
  #pos = 0;

  constructor(
    src: Int16Array,
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    this.#src = src;
    this.#step = fromRate / toRate;
    this.#t = tableFor(fromRate, toRate);
    this.length = Math.floor((src.length * toRate) / fromRate);
  }

  /** Output samples produced so far. */
  get position(): number {
    return this.#pos;
  }

  /** Writes the next `m` output samples into `out` at `offset`; returns how many (0 at the end). */
  fill(out: Int16Array, offset: number, m: number): number {
    const src = this.#src;
    const n = src.length;
    const { taps, half, coef } = this.#t;
    let w = 0;
    while (w < m && this.#pos < this.length) {
      const x = this.#pos * this.#step;
      const i = Math.floor(x);
      const phase = Math.round((x - i) * PHASES);
      const base = i - half + 1 + (phase === PHASES ? 1 : 0);
      const row = (phase === PHASES ? 0 : phase) * taps;
      let acc = 0;
      if (base >= 0 && base + taps <= n) {
        for (let k = 0; k < taps; k++) acc += coef[row + k]! * src[base + k]!;
      } else {
        for (let k = 0; k < taps; k++) {
          const j = base + k;
          if (j >= 0 && j < n) acc += coef[row + k]! * src[j]!;
        }
      }
      const r = Math.round(acc);
      out[offset + w] = r > 32767 ? 32767 : Math.max(r, -32768);
      w++;
      this.#pos++;
    }
    return w;
  }
}

/** Whole-buffer conversion. */
export function convertRate(src: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return src;
  const c = new RateConverter(src, fromRate, toRate);
  const out = new Int16Array(c.length);
  c.fill(out, 0, out.length);
  return out;
}
