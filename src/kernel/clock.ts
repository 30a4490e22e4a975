/**
 * Injected time. Production uses systemClock; tests use FakeClock and advance it.
 * Nothing in src/ may call Date.now() or setTimeout directly for domain timing.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Monotonic milliseconds (for measuring intervals). */
  monotonic(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle | undefined): void;
}

class SystemClock implements Clock {
  #timers = new Map<number, NodeJS.Timeout>();
  #next = 1;

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.#next++;
    const t = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, ms);
    t.unref?.();
    this.#timers.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.#timers.get(handle.id);
    if (t) clearTimeout(t);
    this.#timers.delete(handle.id);
  }
}

export const systemClock: Clock = new SystemClock();

interface FakeTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/** Deterministic clock for tests: timers fire only when advance() passes their due time. */
export class FakeClock implements Clock {
  #now: number;
  #mono = 0;
  #timers = new Map<number, FakeTimer>();
  #next = 1;
  #seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = this.#next++;
    this.#timers.set(id, { id, at: this.#mono + Math.max(0, ms), seq: this.#seq++, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle) this.#timers.delete(handle.id);
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Move time forward, firing due timers in order (timers set by timers fire too if due). */
  advance(ms: number): void {
    const target = this.#mono + ms;
    for (;;) {
      let due: FakeTimer | undefined;
      for (const t of this.#timers.values()) {
        if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.seq < due.seq))) due = t;
      }
      if (!due) break;
      this.#timers.delete(due.id);
      this.#now += due.at - this.#mono;
      this.#mono = due.at;
      due.fn();
    }
    this.#now += target - this.#mono;
    this.#mono = target;
  }

  /** Set wall time without firing timers (e.g. to cross midnight). */
  setWallTime(ms: number): void {
    this.#now = ms;
  }
}
