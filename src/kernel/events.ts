/**
 * Typed event emitter. Listener errors never propagate to the emitter (safeEmit): one bad
 * webhook or plugin must never drop a call. Errors are reported to an optional sink.
 */
// biome-ignore lint/suspicious/noExplicitAny: event argument tuples are arbitrary
export type EventMap = Record<string, any[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<E extends EventMap> {
  #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  #onListenerError: (err: unknown, event: keyof E) => void;

  constructor(onListenerError?: (err: unknown, event: keyof E) => void) {
    this.#onListenerError = onListenerError ?? (() => {});
  }

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(fn as unknown as Listener<never[]>);
    return () => this.off(event, fn);
  }

  once<K extends keyof E>(event: K, fn: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      fn(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, fn: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(fn as unknown as Listener<never[]>);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  /** Calls every listener; a throwing listener is reported and the others still run. */
  safeEmit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const fn of [...set]) {
      try {
        (fn as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        try {
          this.#onListenerError(err, event);
        } catch {
          // the error sink itself must not throw either
        }
      }
    }
    return true;
  }
}
