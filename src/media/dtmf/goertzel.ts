/**
 * In-band DTMF detection (Goertzel), after the structure of spandsp's detector and ITU-T Q.24:
 * - blocks of 102 samples (12.75 ms at 8 kHz), independent of the 20 ms frame size;
 * - Goertzel power at the 8 DTMF frequencies, strongest row and column;
 * - checks: minimum level per tone, twist (row vs column, normal ≤ 8 dB, reverse ≤ 4 dB),
 *   relative peak (each tone ≥ 6 dB above the others of its group), and the two tones carry
 *   ≥ 70 % of the block energy (rejects speech, music, noise and single tones);
 * - debouncing (Q.24: interruptions ≤ 10 ms are bridged, pauses ≥ 40 ms separate digits):
 *   a digit starts after two consecutive identical blocks (≈ 25 ms) and ends after three
 *   consecutive blocks without it (a 10 ms dropout spoils at most two blocks, a 40 ms pause at
 *   least three); the duration is the blocks carrying the digit × 12.75 ms (±1–2 blocks).
 * The per-sample loop is unrolled over the eight filters with locals; no allocation per frame.
 */
import { SAMPLE_RATE } from '../audio.js';
import { DTMF_COL_HZ, DTMF_ROW_HZ } from '../dsp/tone.js';
import type { DtmfListener } from './dtmf-types.js';

export { ToneDetector, type ToneSegment } from './tone-detector.js';

const BLOCK = 102;
const BLOCK_MS = (BLOCK * 1000) / SAMPLE_RATE;
const KEYS = '123A456B789C*0#D';
const NORMAL_TWIST = 10 ** (8 / 10); // row stronger than column, power ratio
const REVERSE_TWIST = 10 ** (4 / 10);
const RELATIVE_PEAK = 10 ** (6 / 10);
const TO_TOTAL = 0.7;
/** Minimum power per tone: a sine of amplitude 100 (≈ −50 dBFS). */
const MIN_TONE_POWER = (100 * 100 * BLOCK) / 2;

function coef(f: number): number {
  return 2 * Math.cos((2 * Math.PI * f) / SAMPLE_RATE);
}
const [C0, C1, C2, C3] = DTMF_ROW_HZ.map(coef) as [number, number, number, number];
const [C4, C5, C6, C7] = DTMF_COL_HZ.map(coef) as [number, number, number, number];

export interface InbandDtmfOptions {
  /** Called when a key press ends. */
  onDigit: DtmfListener;
  /** Called when a key press is first recognised (for barge-in); optional. */
  onDigitStart?: (digit: string) => void;
}

export class InbandDtmfDetector {
  // Goertzel state (s1, s2) for the 8 filters
  readonly #s = new Float64Array(16);
  #energy = 0;
  #n = 0;
  readonly #pow = new Float64Array(8);
  #lastHit = -1;
  #cur = -1;
  #curBlocks = 0;
  #miss = 0;
  /** Digits reported since creation. */
  digits = 0;
  /** Blocks analysed. */
  blocks = 0;
  readonly #onDigit: DtmfListener;
  readonly #onStart: ((digit: string) => void) | undefined;

  constructor(opts: InbandDtmfOptions) {
    this.#onDigit = opts.onDigit;
    this.#onStart = opts.onDigitStart;
  }

  /** Feeds 8 kHz samples (any count, usually one 20 ms frame). */
  process(frame: Int16Array, n = frame.length): void {
    const s = this.#s;
    let a0 = s[0]!;
    let b0 = s[1]!;
    let a1 = s[2]!;
    let b1 = s[3]!;
    let a2 = s[4]!;
    let b2 = s[5]!;
    let a3 = s[6]!;
    let b3 = s[7]!;
    let a4 = s[8]!;
    let b4 = s[9]!;
    let a5 = s[10]!;
    let b5 = s[11]!;
    let a6 = s[12]!;
    let b6 = s[13]!;
    let a7 = s[14]!;
    let b7 = s[15]!;
    let energy = this.#energy;
    let count = this.#n;
    let t: number;
    for (let i = 0; i < n; i++) {
      const x = frame[i]!;
      energy += x * x;
      t = a0;
      a0 = C0 * a0 - b0 + x;
      b0 = t;
      t = a1;
      a1 = C1 * a1 - b1 + x;
      b1 = t;
      t = a2;
      a2 = C2 * a2 - b2 + x;
      b2 = t;
      t = a3;
      a3 = C3 * a3 - b3 + x;
      b3 = t;
      t = a4;
      a4 = C4 * a4 - b4 + x;
      b4 = t;
      t = a5;
      a5 = C5 * a5 - b5 + x;
      b5 = t;
      t = a6;
      a6 = C6 * a6 - b6 + x;
      b6 = t;
      t = a7;
      a7 = C7 * a7 - b7 + x;
      b7 = t;
      if (++count === BLOCK) {
        const p = this.#pow;
        p[0] = a0 * a0 + b0 * b0 - C0 * a0 * b0;
        p[1] = a1 * a1 + b1 * b1 - C1 * a1 * b1;
        p[2] = a2 * a2 + b2 * b2 - C2 * a2 * b2;
        p[3] = a3 * a3 + b3 * b3 - C3 * a3 * b3;
        p[4] = a4 * a4 + b4 * b4 - C4 * a4 * b4;
        p[5] = a5 * a5 + b5 * b5 - C5 * a5 * b5;
        p[6] = a6 * a6 + b6 * b6 - C6 * a6 * b6;
        p[7] = a7 * a7 + b7 * b7 - C7 * a7 * b7;
        this.#block(energy);
        a0 = b0 = a1 = b1 = a2 = b2 = a3 = b3 = a4 = b4 = a5 = b5 = a6 = b6 = a7 = b7 = 0;
        energy = 0;
        count = 0;
      }
    }
    s[0] = a0;
    s[1] = b0;
    s[2] = a1;
    s[3] = b1;
    s[4] = a2;
    s[5] = b2;
    s[6] = a3;
    s[7] = b3;
    s[8] = a4;
    s[9] = b4;
    s[10] = a5;
    s[11] = b5;
    s[12] = a6;
    s[13] = b6;
    s[14] = a7;
    s[15] = b7;
    this.#energy = energy;
    this.#n = count;
  }

  /** Classifies one block: returns the key index 0–15 or −1. */
  #classify(energy: number): number {
    const p = this.#pow;
    let r = 0;
    for (let i = 1; i < 4; i++) if (p[i]! > p[r]!) r = i;
    let c = 4;
    for (let i = 5; i < 8; i++) if (p[i]! > p[c]!) c = i;
    const pr = p[r]!;
    const pc = p[c]!;
    // Goertzel power of a sine of amplitude A over N samples ≈ (A·N/2)²; × 2/N gives its energy A²N/2
    const er = (pr * 2) / BLOCK;
    const ec = (pc * 2) / BLOCK;
    if (er < MIN_TONE_POWER || ec < MIN_TONE_POWER) return -1;
    if (er > ec * NORMAL_TWIST || ec > er * REVERSE_TWIST) return -1;
    for (let i = 0; i < 4; i++) if (i !== r && p[i]! * RELATIVE_PEAK > pr) return -1;
    for (let i = 4; i < 8; i++) if (i !== c && p[i]! * RELATIVE_PEAK > pc) return -1;
    if (er + ec < TO_TOTAL * energy) return -1;
    return r * 4 + (c - 4);
  }

  #block(energy: number): void {
    this.blocks++;
    const hit = this.#classify(energy);
    if (this.#cur < 0) {
      if (hit >= 0 && hit === this.#lastHit) {
        this.#cur = hit;
        this.#curBlocks = 2;
        this.#miss = 0;
        this.#onStart?.(KEYS[hit]!);
      }
    } else if (hit === this.#cur) {
      this.#curBlocks += 1 + this.#miss; // dropout blocks are bridged
      this.#miss = 0;
    } else if (++this.#miss >= 3) {
      this.#finish();
    }
    this.#lastHit = hit;
  }

  #finish(): void {
    const digit = KEYS[this.#cur]!;
    const durationMs = Math.round(this.#curBlocks * BLOCK_MS);
    this.#cur = -1;
    this.#curBlocks = 0;
    this.#miss = 0;
    this.digits++;
    this.#onDigit({ digit, durationMs, source: 'inband' });
  }

  /** Ends a digit still in progress (end of stream). */
  flush(): void {
    if (this.#cur >= 0) this.#finish();
  }

  reset(): void {
    this.#s.fill(0);
    this.#energy = 0;
    this.#n = 0;
    this.#lastHit = -1;
    this.#cur = -1;
    this.#curBlocks = 0;
    this.#miss = 0;
  }
}
