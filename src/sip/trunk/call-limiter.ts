/** Concurrent calls per trunk (maxConcurrentCalls): in memory, one process. */
export class TrunkCallLimiter {
  readonly #active = new Map<string, number>();

  active(trunkId: string): number {
    return this.#active.get(trunkId) ?? 0;
  }

  /** Takes a slot; returns its release (idempotent), or undefined when the trunk is full. */
  acquire(trunkId: string, max: number | null): (() => void) | undefined {
    const n = this.active(trunkId);
    if (max !== null && n >= max) return undefined;
    this.#active.set(trunkId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.active(trunkId) - 1;
      if (left <= 0) this.#active.delete(trunkId);
      else this.#active.set(trunkId, left);
    };
  }
}
