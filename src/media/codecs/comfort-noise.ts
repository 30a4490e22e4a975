/**
 * Comfort noise (RFC 3389, static payload type 13): peers with voice activity detection send a
 * CN packet instead of silence. The payload is a noise level in −dBov (0–127, 0 dBov = a
 * full-scale square wave, RMS 32767) optionally followed by quantised reflection coefficients of a
 * spectral model. We read the level (and count the coefficients), generate white noise at that
 * level (model order 0, which RFC 3389 allows a receiver to use), and can describe our own silence
 * by its level. No allocation per packet or frame; a seeded xorshift generator keeps tests exact.
 */
export const CN_PAYLOAD_TYPE = 13;

export interface ComfortNoiseInfo {
  /** Noise level in −dBov (0 loudest … 127 quietest). */
  levelDbov: number;
  /** Reflection coefficients present (ignored by the generator). */
  coefficients: number;
}

/** Parses a CN payload; false for an empty payload or a set reserved bit. */
export function parseComfortNoise(
  buf: Uint8Array,
  offset: number,
  len: number,
  out: ComfortNoiseInfo,
): boolean {
  if (len < 1 || offset < 0 || offset + len > buf.length) return false;
  const b = buf[offset]!;
  if (b & 0x80) return false;
  out.levelDbov = b;
  out.coefficients = len - 1;
  return true;
}

/** The CN level byte describing `frame` (RMS → −dBov, clamped to 0–127). */
export function comfortNoiseLevel(frame: Int16Array, n = frame.length): number {
  let e = 0;
  for (let i = 0; i < n; i++) e += frame[i]! * frame[i]!;
  if (n === 0 || e === 0) return 127;
  const rms = Math.sqrt(e / n);
  const level = Math.round(-20 * Math.log10(rms / 32767));
  return Math.min(127, Math.max(0, level));
}

export class ComfortNoiseGenerator {
  #state: number;
  #amp = 0;

  constructor(seed = 0x2545f491) {
    this.#state = seed >>> 0 || 1;
  }

  /** Sets the level from a CN packet (−dBov). */
  setLevel(levelDbov: number): void {
    const rms = 32767 * 10 ** (-Math.min(127, Math.max(0, levelDbov)) / 20);
    this.#amp = rms * Math.sqrt(3); // uniform noise in [−a, a] has RMS a/√3
  }

  /** Fills `n` samples of `out` from `offset` with noise at the current level. */
  generate(out: Int16Array, n = out.length, offset = 0): void {
    let x = this.#state;
    const a = this.#amp;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const u = (x >>> 0) / 4294967296; // [0, 1)
      const v = Math.round((2 * u - 1) * a);
      out[offset + i] = v > 32767 ? 32767 : Math.max(v, -32768);
    }
    this.#state = x;
  }
}
