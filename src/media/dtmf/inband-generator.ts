/**
 * In-band DTMF generation: turns digits (from RFC 4733 or SIP INFO) into tones inside an audio
 * stream, for peers that did not negotiate telephone-event. queue() digits; process(frame) each
 * tick replaces the frame's audio with the current tone (or the inter-digit silence) while digits
 * are pending, and leaves it untouched otherwise. Level −10 dBFS per tone, minimum 40 ms tone and
 * 40 ms pause (Q.23/Q.24 timing). Phase-continuous, no allocation per frame.
 */
import { SAMPLE_RATE } from '../audio.js';
import { dbfsToAmplitude, ToneGenerator } from '../dsp/tone.js';
import { dtmfEventOf } from './dtmf-types.js';

const MAX_QUEUE = 64;

export interface InbandDtmfGeneratorOptions {
  /** Level per tone in dBFS (default −10). */
  levelDbfs?: number;
  /** Pause after each digit in ms (default 60). */
  gapMs?: number;
}

export class InbandDtmfGenerator {
  readonly #gen = new ToneGenerator(SAMPLE_RATE);
  readonly #amp: number;
  readonly #gap: number;
  readonly #digits: string[] = [];
  readonly #durations: number[] = [];
  /** Samples left of the current tone, then of its pause. */
  #toneLeft = 0;
  #gapLeft = 0;
  /** Digits dropped because the queue was full or the character was not a key. */
  dropped = 0;

  constructor(opts: InbandDtmfGeneratorOptions = {}) {
    this.#amp = dbfsToAmplitude(opts.levelDbfs ?? -10);
    this.#gap = Math.max(40, opts.gapMs ?? 60);
  }

  get active(): boolean {
    return this.#toneLeft > 0 || this.#gapLeft > 0 || this.#digits.length > 0;
  }

  /** Adds a digit to play for `durationMs` (at least 40 ms, at most 2 s). false if refused. */
  queue(digit: string, durationMs = 100): boolean {
    if (digit.length !== 1 || dtmfEventOf(digit) < 0 || this.#digits.length >= MAX_QUEUE) {
      this.dropped++;
      return false;
    }
    this.#digits.push(digit.toUpperCase());
    this.#durations.push(Math.min(2000, Math.max(40, durationMs)));
    return true;
  }

  /** Overwrites `frame` with tone/pause while digits are pending; returns true if it did. */
  process(frame: Int16Array, n = frame.length): boolean {
    if (!this.active) return false;
    let o = 0;
    while (o < n) {
      if (this.#toneLeft === 0 && this.#gapLeft === 0) {
        const d = this.#digits.shift();
        if (d === undefined) break;
        const ms = this.#durations.shift()!;
        this.#gen.dtmf(d, this.#amp);
        this.#toneLeft = (ms * SAMPLE_RATE) / 1000;
        this.#gapLeft = (this.#gap * SAMPLE_RATE) / 1000;
      }
      if (this.#toneLeft > 0) {
        const m = Math.min(this.#toneLeft, n - o);
        this.#gen.generate(frame, m, o);
        this.#toneLeft -= m;
        o += m;
      } else {
        const m = Math.min(this.#gapLeft, n - o);
        frame.fill(0, o, o + m);
        this.#gapLeft -= m;
        o += m;
      }
    }
    return true;
  }

  /** Drops pending digits (the current one stops at once). */
  clear(): void {
    this.#digits.length = 0;
    this.#durations.length = 0;
    this.#toneLeft = 0;
    this.#gapLeft = 0;
  }
}
