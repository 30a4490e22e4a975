/**
 * First-message deadlines for accepted connections. Every connection gets the same timeout,
 * so deadlines arrive in accept order: a FIFO plus one clock timer for its head replaces a
 * timer per connection (O(1) per accept, and a flood of 10,000 sockets costs one timer).
 * Entries whose connection closed or delivered its first message are skipped when reached.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import type { AcceptedConn } from './conn-gate.js';

export class FirstMessageDeadlines {
  readonly #clock: Clock;
  readonly #onExpired: (c: AcceptedConn) => void;
  #queue: AcceptedConn[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(clock: Clock, onExpired: (c: AcceptedConn) => void) {
    this.#clock = clock;
    this.#onExpired = onExpired;
  }

  /** Entries still queued (including settled ones not yet reached). */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  add(c: AcceptedConn): void {
    if (this.#closed || c.firstMessageBy === undefined) return;
    this.#queue.push(c);
    if (this.#timer === undefined) this.#arm();
  }

  close(): void {
    this.#closed = true;
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
  }

  #arm(): void {
    const next = this.#queue[this.#head];
    if (!next || this.#closed) return;
    const at = next.firstMessageBy ?? this.#clock.monotonic();
    this.#timer = this.#clock.setTimer(Math.max(0, at - this.#clock.monotonic()), () => this.#fire());
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.monotonic();
    while (this.#head < this.#queue.length) {
      const c = this.#queue[this.#head]!;
      const by = c.firstMessageBy;
      if (!c.released && by !== undefined && by > now) break;
      this.#head++;
      if (!c.released && by !== undefined) this.#onExpired(c);
    }
    // compact once the consumed prefix dominates (amortised O(1))
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#arm();
  }
}
