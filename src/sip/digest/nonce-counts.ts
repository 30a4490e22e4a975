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

interface Entry {
  issuedAt: number;
  /** Last accepted nc; -1 marks a nonce used without qop (single use). */
  nc: number;
}

/** nc used for qop-less (RFC 2069) requests: any second use is a replay. */
const ONCE = -1;

export class NonceCountTable {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** Insertion order = order of first use, which is (nearly) issue order: sweeps stop early. */
  readonly #entries = new Map<string, Entry>();
  #floor: number;
  #evicted = 0;
  #calls = 0;

  constructor(opts: NonceCountOptions) {
    this.#ttlMs = opts.ttlMs;
    this.#max = Math.max(1, opts.maxEntries ?? 65_536);
    this.#now = opts.now;
    // nonces stamped in the same millisecond as the table are ours: floor just before it
    this.#floor = opts.now() - 1;
  }

  /**
   * Records a use of `nonce` (issued at `issuedAt`) with `nc` (the hex nc as a number; undefined
   * without qop). Call only after the response was verified. 'replay' means: do not accept.
   */
  use(nonce: string, issuedAt: number, nc: number | undefined): NonceUse {
    const now = this.#now();
    // sweeping every call costs an iterator per request; every 32nd keeps the table as tight
    if ((++this.#calls & 31) === 0) this.#sweep(now);
    const e = this.#entries.get(nonce);
    if (!e) {
      if (issuedAt <= this.#floor || now - issuedAt > this.#ttlMs) return 'replay';
      if (this.#entries.size >= this.#max) this.#evictOldest();
      this.#entries.set(nonce, { issuedAt, nc: nc ?? ONCE });
      return 'ok';
    }
    if (nc === undefined || e.nc === ONCE || nc <= e.nc) return 'replay';
    e.nc = nc;
    return 'ok';
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries evicted because the table was full (a metric: a steady rise means raise maxEntries). */
  get evicted(): number {
    return this.#evicted;
  }

  get floor(): number {
    return this.#floor;
  }

  #evictOldest(): void {
    const first = this.#entries.entries().next();
    if (first.done) return;
    const [key, e] = first.value;
    this.#entries.delete(key);
    this.#floor = Math.max(this.#floor, e.issuedAt);
    this.#evicted++;
  }

  /** Drops expired entries from the head; bounded work per call keeps `use` O(1) amortised. */
  #sweep(now: number): void {
    let budget = 64;
    for (const [key, e] of this.#entries) {
      if (budget-- === 0 || now - e.issuedAt <= this.#ttlMs) return;
      this.#entries.delete(key);
    }
  }
}
