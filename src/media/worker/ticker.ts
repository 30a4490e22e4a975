/**
 * One batched 20 ms tick per worker. Deadlines are computed from the start (start + n·20 ms) so
 * timer lateness does not accumulate; after a long stall at most `maxCatchUp` ticks run back to
 * back and the rest are skipped (counted), so audio resynchronises instead of bursting.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { FRAME_MS } from '../audio.js';

export class Ticker {
  readonly #clock: Clock;
  readonly #fn: (nowMs: number) => void;
  readonly #maxCatchUp: number;
  #timer: TimerHandle | undefined;
  #next = 0;
  #running = false;
  ticks = 0;
  skipped = 0;

  constructor(clock: Clock, fn: (nowMs: number) => void, maxCatchUp = 3) {
    this.#clock = clock;
    this.#fn = fn;
    this.#maxCatchUp = maxCatchUp;
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#next = this.#clock.monotonic() + FRAME_MS;
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const delay = Math.max(0, this.#next - this.#clock.monotonic());
    this.#timer = this.#clock.setTimer(delay, () => this.#fire());
  }

  #fire(): void {
    if (!this.#running) return;
    const now = this.#clock.monotonic();
    let runs = 0;
    while (this.#next <= now && runs < this.#maxCatchUp) {
      this.ticks++;
      runs++;
      this.#fn(this.#next);
      this.#next += FRAME_MS;
      if (!this.#running) return;
    }
    if (this.#next <= now) {
      const behind = Math.floor((now - this.#next) / FRAME_MS) + 1;
      this.skipped += behind;
      this.#next += behind * FRAME_MS;
    }
    this.#arm();
  }
}
