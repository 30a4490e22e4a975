/**
 * Calls per sliding window per key (per account, per tenant): an exact sliding-window log on
 * the injected clock. A log rather than a token bucket because the limit an operator writes
 * ("10 calls per minute") is then exactly what is enforced — the 11th call inside any 60 s is
 * refused, with no burst allowance to explain. Memory is bounded by the limits themselves (at
 * most `max` instants per key), and keys whose window emptied are dropped.
 */
import type { Clock } from '../../kernel/clock.js';

export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  #takes = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    readonly windowMs = 60_000,
  ) {}

  /** Instants in the window now (oldest first), pruned. */
  #live(key: string, now: number): number[] {
    const hits = this.#hits.get(key);
    if (!hits) return [];
    const from = now - this.windowMs;
    let i = 0;
    while (i < hits.length && hits[i]! <= from) i++;
    if (i > 0) hits.splice(0, i);
    if (hits.length === 0) this.#hits.delete(key);
    return hits;
  }

  /** How many were taken in the window ending now. */
  count(key: string): number {
    return this.#live(key, this.clock.now()).length;
  }

  /**
   * Takes one if fewer than `max` were taken in the window; returns true when taken. `null` = no
   * limit (still counted, so a limit set later sees the recent past).
   */
  take(key: string, max: number | null): boolean {
    const now = this.clock.now();
    // keys of accounts that stopped calling are swept now and then, not only when asked again
    if (++this.#takes % 256 === 0) for (const k of [...this.#hits.keys()]) this.#live(k, now);
    const hits = this.#live(key, now);
    if (max !== null && hits.length >= max) return false;
    if (hits.length === 0) this.#hits.set(key, [now]);
    else hits.push(now);
    return true;
  }

  /** Milliseconds until one more would be admitted under `max` (0 = now). */
  retryAfterMs(key: string, max: number): number {
    const now = this.clock.now();
    const hits = this.#live(key, now);
    if (hits.length < max) return 0;
    return hits[hits.length - max]! + this.windowMs - now;
  }

  /** Number of keys held (for tests and a leak check). */
  get size(): number {
    return this.#hits.size;
  }
}
