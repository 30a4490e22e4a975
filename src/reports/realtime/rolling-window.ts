/**
 * Rolling counters over the last `buckets × bucketMs` milliseconds: a ring buffer of buckets plus
 * a running total. add() is O(1) amortised (advancing past k empty buckets costs min(k, buckets),
 * a constant); total() is O(fields). Events older than the window are counted in `late` and dropped.
 */
import { addCounters } from '../metrics/counters.js';

export class RollingWindow<C extends object> {
  readonly #slots: C[];
  readonly #ids: number[];
  readonly #total: C;
  #head = Number.NEGATIVE_INFINITY; // newest bucket index seen
  late = 0;

  constructor(
    readonly bucketMs: number,
    readonly buckets: number,
    readonly make: () => C,
  ) {
    if (!(bucketMs > 0) || !Number.isInteger(buckets) || buckets < 1) throw new RangeError('bad window');
    this.#slots = Array.from({ length: buckets }, make);
    this.#ids = new Array(buckets).fill(Number.NaN);
    this.#total = make();
  }

  /** Move the window so it ends at `now` (expired buckets leave the total). */
  advance(now: number): void {
    const idx = Math.floor(now / this.bucketMs);
    if (idx <= this.#head) return;
    const from = this.#head === Number.NEGATIVE_INFINITY ? idx : this.#head + 1;
    const steps = Math.min(idx - from + 1, this.buckets);
    for (let i = idx - steps + 1; i <= idx; i++) {
      const slot = ((i % this.buckets) + this.buckets) % this.buckets;
      if (!Number.isNaN(this.#ids[slot]!)) addCounters(this.#total, this.#slots[slot]!, -1);
      this.#slots[slot] = this.make();
      this.#ids[slot] = i;
    }
    this.#head = idx;
  }

  /** Apply `fn` to the bucket for time `at` (and to the total). */
  add(at: number, fn: (c: C) => void): void {
    this.advance(at);
    const idx = Math.floor(at / this.bucketMs);
    if (idx <= this.#head - this.buckets) {
      this.late++;
      return;
    }
    const slot = ((idx % this.buckets) + this.buckets) % this.buckets;
    fn(this.#slots[slot]!);
    fn(this.#total);
  }

  /** Largest value of a per-bucket field over the live buckets (for maxima, which do not subtract). */
  max(now: number, pick: (c: C) => number): number {
    this.advance(now);
    let m = 0;
    for (let i = 0; i < this.buckets; i++) {
      if (this.#ids[i]! > this.#head - this.buckets) m = Math.max(m, pick(this.#slots[i]!));
    }
    return m;
  }

  /** Totals over the window ending at `now` (advance first). */
  total(now: number): C {
    this.advance(now);
    return this.#total;
  }
}
