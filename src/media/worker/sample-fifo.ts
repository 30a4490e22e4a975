/**
 * A small FIFO of decoded samples per direction for listeners (recorder): packets push decoded
 * audio as they arrive, the worker's 20 ms tick pulls one frame. It pre-fills 40 ms before
 * playing out and again after an underflow, and drops the oldest audio when more than `capacity`
 * samples pile up (a sender running fast), so it never grows.
 */
import { FRAME_SAMPLES } from '../audio.js';

export class SampleFifo {
  readonly #buf: Int16Array;
  #read = 0;
  #size = 0;
  #playing = false;
  readonly #prefill: number;
  overflowed = 0;
  underflows = 0;

  constructor(capacity = FRAME_SAMPLES * 10, prefill = FRAME_SAMPLES * 2) {
    this.#buf = new Int16Array(capacity);
    this.#prefill = prefill;
  }

  get size(): number {
    return this.#size;
  }

  push(samples: Int16Array, n: number): void {
    const cap = this.#buf.length;
    if (n > cap) {
      samples = samples.subarray(n - cap, n);
      n = cap;
    }
    const excess = this.#size + n - cap;
    if (excess > 0) {
      this.#read = (this.#read + excess) % cap;
      this.#size -= excess;
      this.overflowed += excess;
    }
    let w = (this.#read + this.#size) % cap;
    for (let i = 0; i < n; i++) {
      this.#buf[w] = samples[i]!;
      w = w + 1 === cap ? 0 : w + 1;
    }
    this.#size += n;
  }

  /** Fills `out` with the next frame; returns false (and zeros) while pre-filling or empty. */
  pull(out: Int16Array): boolean {
    const n = out.length;
    if (!this.#playing) {
      if (this.#size < this.#prefill) {
        out.fill(0);
        return false;
      }
      this.#playing = true;
    }
    if (this.#size < n) {
      this.#playing = false;
      this.underflows++;
      out.fill(0);
      return false;
    }
    const cap = this.#buf.length;
    let r = this.#read;
    for (let i = 0; i < n; i++) {
      out[i] = this.#buf[r]!;
      r = r + 1 === cap ? 0 : r + 1;
    }
    this.#read = r;
    this.#size -= n;
    return true;
  }
}
