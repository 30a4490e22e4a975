/**
 * 2:1 resampler between 8 and 16 kHz with a linear-phase FIR low-pass (97 taps, Kaiser window
 * β = 5.65 ≈ 60 dB stopband, cutoff 3.7 kHz at 16 kHz): passband flat to 3.4 kHz (the telephone
 * band), ≥ 40 dB down from 4.1 kHz, so 16 → 8 kHz does not fold 4–8 kHz content back into the
 * band, and 8 → 16 kHz suppresses the spectral images. Streaming: filter history is kept
 * across calls, group delay is 48 samples at 16 kHz (3 ms). No allocation per call.
 */
export const RESAMPLER_TAPS = 97;
const HALF = (RESAMPLER_TAPS - 1) / 2;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Low-pass taps for 16 kHz, unity DC gain. */
function designTaps(): Float64Array {
  const h = new Float64Array(RESAMPLER_TAPS);
  const fc = 3700 / 16000;
  const beta = 5.65;
  const i0b = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < RESAMPLER_TAPS; n++) {
    const m = n - HALF;
    const sinc = m === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * m) / (Math.PI * m);
    const r = m / HALF;
    const w = besselI0(beta * Math.sqrt(1 - r * r)) / i0b;
    h[n] = sinc * w;
    sum += h[n]!;
  }
  for (let n = 0; n < RESAMPLER_TAPS; n++) h[n] = h[n]! / sum;
  return h;
}

const TAPS = designTaps();
const SYM_MID = TAPS[HALF]!;
// polyphase halves for upsampling: even and odd taps, doubled (zero-stuffing halves the gain)
const EVEN = new Float64Array((RESAMPLER_TAPS + 1) / 2);
const ODD = new Float64Array((RESAMPLER_TAPS - 1) / 2);
for (let k = 0; k < RESAMPLER_TAPS; k++) {
  if (k % 2 === 0) EVEN[k / 2] = 2 * TAPS[k]!;
  else ODD[(k - 1) / 2] = 2 * TAPS[k]!;
}

function sat(x: number): number {
  const r = Math.round(x);
  return r > 32767 ? 32767 : Math.max(r, -32768);
}

export class Resampler {
  /** Input history, doubled so the last TAPS samples are always contiguous: [pos+1, pos+TAPS]. */
  readonly #buf = new Float64Array(2 * RESAMPLER_TAPS);
  #pos = 0;
  #phase = 0;
  constructor(
    readonly fromRate: 8000 | 16000,
    readonly toRate: 8000 | 16000,
  ) {}

  /** Output samples produced for `n` input samples (may vary by one for odd n going down). */
  outputLength(n: number): number {
    if (this.fromRate === this.toRate) return n;
    return this.fromRate < this.toRate ? n * 2 : (n + (this.#phase & 1)) >> 1;
  }

  #push(x: number): number {
    const T = RESAMPLER_TAPS;
    this.#pos = this.#pos + 1 === T ? 0 : this.#pos + 1;
    this.#buf[this.#pos] = x;
    this.#buf[this.#pos + T] = x;
    return this.#pos + T; // index of the newest sample; k samples ago is at newest − k
  }

  /**
   * Resamples `n` samples of `input` (from `inOffset`) into `out` (from `outOffset`); returns
   * samples written. Output that does not fit in `out` is dropped. No allocation.
   */
  process(input: Int16Array, n: number, out: Int16Array, inOffset = 0, outOffset = 0): number {
    if (inOffset + n > input.length) n = input.length - inOffset;
    if (n <= 0) return 0;
    const b = this.#buf;
    const cap = out.length;
    let w = outOffset;
    if (this.fromRate === this.toRate) {
      const m = Math.min(n, cap - outOffset);
      for (let i = 0; i < m; i++) out[outOffset + i] = input[inOffset + i]!;
      return Math.max(m, 0);
    }
    const T = RESAMPLER_TAPS;
    let pos = this.#pos;
    if (this.fromRate === 16000) {
      let phase = this.#phase;
      for (let i = 0; i < n; i++) {
        pos = pos + 1 === T ? 0 : pos + 1;
        const x = input[inOffset + i]!;
        b[pos] = x;
        b[pos + T] = x;
        if ((phase++ & 1) === 1 && w < cap) {
          // symmetric taps: h[k] = h[T-1-k], so pair the samples k and T-1-k apart
          const newest = pos + T;
          const oldest = pos + 1;
          let acc = SYM_MID * b[newest - HALF]!;
          for (let k = 0; k < HALF; k++) acc += TAPS[k]! * (b[newest - k]! + b[oldest + k]!);
          out[w++] = sat(acc);
        }
      }
      this.#pos = pos;
      this.#phase = phase;
      return w - outOffset;
    }
    // 8 → 16 kHz, polyphase: output 2n uses the even taps, 2n+1 the odd taps, on 8 kHz history
    const ne = EVEN.length;
    const no = ODD.length;
    for (let i = 0; i < n; i++) {
      const newest = this.#push(input[inOffset + i]!);
      let even = 0;
      for (let k = 0; k < ne; k++) even += EVEN[k]! * b[newest - k]!;
      let odd = 0;
      for (let k = 0; k < no; k++) odd += ODD[k]! * b[newest - k]!;
      if (w < cap) out[w++] = sat(even);
      if (w < cap) out[w++] = sat(odd);
    }
    return w - outOffset;
  }

  reset(): void {
    this.#buf.fill(0);
    this.#pos = 0;
    this.#phase = 0;
  }
}

/** Whole-buffer conversion (prompt loading). */
export function resampleBuffer(input: Int16Array, fromRate: 8000 | 16000, toRate: 8000 | 16000): Int16Array {
  if (fromRate === toRate) return input;
  const r = new Resampler(fromRate, toRate);
  const out = new Int16Array(r.outputLength(input.length));
  const w = r.process(input, input.length, out);
  return w === out.length ? out : out.subarray(0, w);
}
