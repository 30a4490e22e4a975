/**
 * Single-frequency tone detector (Goertzel over 10 ms blocks), used by tests and checks to
 * prove audio: "is there a 1 kHz tone, when, and for how long". A block counts as tone when the
 * tone carries ≥ `minRatio` of the block energy and is above `minAmplitude`; since a tone covering
 * a fraction f of a block yields a ratio ≈ f, the 0.5 default makes segment edges accurate to
 * about ±5 ms. Segments closer than `mergeGapMs` are merged.
 */
import { SAMPLE_RATE } from '../audio.js';

export interface ToneSegment {
  startMs: number;
  endMs: number;
  durationMs: number;
}

export interface ToneDetectorOptions {
  sampleRate?: number;
  blockMs?: number;
  minRatio?: number;
  /** Minimum peak amplitude of the tone (default 50 ≈ −56 dBFS). */
  minAmplitude?: number;
  mergeGapMs?: number;
}

export class ToneDetector {
  readonly #coef: number;
  readonly #block: number;
  readonly #blockMs: number;
  readonly #minRatio: number;
  readonly #minPower: number;
  readonly #mergeGap: number;
  #s1 = 0;
  #s2 = 0;
  #energy = 0;
  #n = 0;
  #blocks = 0;
  #toneEnergy = 0;
  #totalEnergy = 0;
  #openStart = -1;
  readonly segments: ToneSegment[] = [];

  constructor(
    readonly freqHz: number,
    opts: ToneDetectorOptions = {},
  ) {
    const rate = opts.sampleRate ?? SAMPLE_RATE;
    this.#blockMs = opts.blockMs ?? 10;
    this.#block = Math.round((rate * this.#blockMs) / 1000);
    this.#coef = 2 * Math.cos((2 * Math.PI * freqHz) / rate);
    this.#minRatio = opts.minRatio ?? 0.5;
    const a = opts.minAmplitude ?? 50;
    this.#minPower = (a * a * this.#block) / 2;
    this.#mergeGap = opts.mergeGapMs ?? 0;
  }

  process(samples: Int16Array, n = samples.length): void {
    const c = this.#coef;
    let s1 = this.#s1;
    let s2 = this.#s2;
    let e = this.#energy;
    let k = this.#n;
    for (let i = 0; i < n; i++) {
      const x = samples[i]!;
      const s0 = c * s1 - s2 + x;
      s2 = s1;
      s1 = s0;
      e += x * x;
      if (++k === this.#block) {
        const p = ((s1 * s1 + s2 * s2 - c * s1 * s2) * 2) / this.#block;
        this.#onBlock(p, e);
        s1 = s2 = e = 0;
        k = 0;
      }
    }
    this.#s1 = s1;
    this.#s2 = s2;
    this.#energy = e;
    this.#n = k;
  }

  #onBlock(tonePower: number, energy: number): void {
    const t = this.#blocks * this.#blockMs;
    this.#blocks++;
    this.#toneEnergy += tonePower;
    this.#totalEnergy += energy;
    const on = tonePower >= this.#minPower && tonePower >= this.#minRatio * energy;
    if (on && this.#openStart < 0) this.#openStart = t;
    if (!on && this.#openStart >= 0) this.#close(t);
  }

  #close(endMs: number): void {
    const last = this.segments[this.segments.length - 1];
    if (last && this.#openStart - last.endMs <= this.#mergeGap) {
      last.endMs = endMs;
      last.durationMs = endMs - last.startMs;
    } else {
      this.segments.push({ startMs: this.#openStart, endMs, durationMs: endMs - this.#openStart });
    }
    this.#openStart = -1;
  }

  /** Closes a segment still open at the end of the signal; returns the segments. */
  finish(): ToneSegment[] {
    if (this.#openStart >= 0) this.#close(this.#blocks * this.#blockMs);
    return this.segments;
  }

  /** Total detected tone time in ms (after finish()). */
  get detectedMs(): number {
    return this.segments.reduce((s, x) => s + x.durationMs, 0);
  }

  /** Share of all energy seen that lies at the tone frequency (0–1). */
  get powerRatio(): number {
    return this.#totalEnergy === 0 ? 0 : Math.min(1, this.#toneEnergy / this.#totalEnergy);
  }

  /** Analysed duration in ms. */
  get elapsedMs(): number {
    return this.#blocks * this.#blockMs;
  }
}
