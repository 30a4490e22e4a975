/**
 * Nonce-count replay protection (RFC 7616 3.3 and 3.4.5; RFC 2617 3.2.2): per nonce, the `nc`
 * of each accepted request must be strictly greater than the last one accepted; a nonce used
 * without qop (RFC 2069 style, no nc) may be used once.
 *
 * Nonces are stateless (nonce.ts), so this table only learns a nonce when a request carrying it
 * has already passed the response check: a flood of forged credentials cannot grow it. It is
 * bounded anyway (`maxEntries`) and forgets nonces older than their lifetime. What it forgets
 * must not become usable again, so it keeps a floor: every nonce issued at or before the floor
 * that the table does not know is answered as a replay (the client is re-challenged with
 * stale=true and carries on with a fresh nonce). The floor starts at the table's creation, so a
 * nonce issued before a restart (should the nonce secret ever outlive the process) is never
 * accepted by a table that has not seen it; it rises to the issue time of any entry evicted
 * while the nonce was still alive. Pure: time comes from `now`.
 */

export interface NonceCountOptions {
  /** Lifetime of a nonce (ms): entries older than this are dropped (the nonce is stale anyway). */
  ttlMs: number;
  /** Most nonces tracked at once; past this the oldest-used entry is evicted and the floor rises. */
  maxEntries?: number;
  now: () => number;
}

export type NonceUse = 'ok' | 'replay';

/** nc used for qop-less (RFC 2069) requests: any second use is a replay. */
const ONCE = -1;

export class NonceCountTable {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** nonce → last accepted nc (numbers only: no object per nonce for the GC to trace). */
  readonly #nc = new Map<string, number>();
  /**
   * The same nonces in order of first use (a ring): the oldest is found without walking the
   * Map (whose deleted slots at the head would make that O(n) under churn).
   */
  readonly #ring: (string | undefined)[];
  readonly #issued: Float64Array;
  #head = 0;
  #count = 0;
  #floor: number;
  #evicted = 0;

  constructor(opts: NonceCountOptions) {
    this.#ttlMs = opts.ttlMs;
    this.#max = Math.max(1, opts.maxEntries ?? 65_536);
    this.#now = opts.now;
    this.#ring = new Array<string | undefined>(this.#max);
    this.#issued = new Float64Array(this.#max);
    // nonces stamped in the same millisecond as the table are ours: floor just before it
    this.#floor = opts.now() - 1;
  }

  /**
   * Records a use of `nonce` (issued at `issuedAt`) with `nc` (the hex nc as a number; undefined
   * without qop). Call only after the response was verified. 'replay' means: do not accept.
   */
  use(nonce: string, issuedAt: number, nc: number | undefined): NonceUse {
    const now = this.#now();
    this.#sweep(now);
    const last = this.#nc.get(nonce);
    if (last === undefined) {
      if (issuedAt <= this.#floor || now - issuedAt > this.#ttlMs) return 'replay';
      if (this.#count === this.#max) this.#evictOldest();
      const at = (this.#head + this.#count) % this.#max;
      this.#ring[at] = nonce;
      this.#issued[at] = issuedAt;
      this.#count++;
      this.#nc.set(nonce, nc ?? ONCE);
      return 'ok';
    }
    if (nc === undefined || last === ONCE || nc <= last) return 'replay';
    this.#nc.set(nonce, nc);
    return 'ok';
  }

  get size(): number {
    return this.#count;
  }

  /** Entries evicted because the table was full (a metric: a steady rise means raise maxEntries). */
  get evicted(): number {
    return this.#evicted;
  }

  get floor(): number {
    return this.#floor;
  }

  #dropHead(): number {
    const key = this.#ring[this.#head]!;
    const issued = this.#issued[this.#head]!;
    this.#nc.delete(key);
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#max;
    this.#count--;
    return issued;
  }

  #evictOldest(): void {
    this.#floor = Math.max(this.#floor, this.#dropHead());
    this.#evicted++;
  }

  /** Drops expired entries from the head (oldest first); O(1) amortised per use. */
  #sweep(now: number): void {
    while (this.#count > 0 && now - this.#issued[this.#head]! > this.#ttlMs) this.#dropHead();
  }
}
