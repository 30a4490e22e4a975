/**
 * RTP port-pair allocator: even RTP ports from a configured range, RTCP on RTP+1.
 * Released pairs go to the back of the free queue, so a pair just freed is reused last (stray
 * packets of the old call reach no new call). A pair that fails to bind can be quarantined.
 */
import { SwbError } from '../kernel/errors.js';

export class PortAllocator {
  readonly min: number;
  readonly max: number;
  readonly #free: number[] = [];
  #head = 0;
  readonly #used = new Set<number>();

  constructor(min: number, max: number) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || min > max) {
      throw new SwbError('SWB_CONFIG_INVALID', {
        key: 'rtpPortMin/rtpPortMax',
        reason: `bad range ${min}-${max}`,
      });
    }
    this.min = min;
    this.max = max;
    const first = min % 2 === 0 ? min : min + 1;
    for (let p = first; p + 1 <= max; p += 2) this.#free.push(p);
    if (this.#free.length === 0) {
      throw new SwbError('SWB_CONFIG_INVALID', {
        key: 'rtpPortMin/rtpPortMax',
        reason: 'no even/odd pair in range',
      });
    }
  }

  /** Pairs in the range. */
  get capacity(): number {
    return this.#free.length - this.#head + this.#used.size;
  }

  get inUse(): number {
    return this.#used.size;
  }

  /** The RTP port (even) of a free pair; throws SWB_MEDIA_PORTS_EXHAUSTED when none is left. */
  allocate(): number {
    if (this.#head >= this.#free.length) {
      throw new SwbError('SWB_MEDIA_PORTS_EXHAUSTED', { min: this.min, max: this.max });
    }
    const port = this.#free[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > this.#free.length) {
      this.#free.splice(0, this.#head);
      this.#head = 0;
    }
    this.#used.add(port);
    return port;
  }

  /** Returns a pair to the pool (idempotent; unknown ports are ignored). */
  release(port: number): void {
    if (!this.#used.delete(port)) return;
    this.#free.push(port);
  }

  /** Takes a pair out of service (it failed to bind: another process holds it). */
  quarantine(port: number): void {
    this.#used.delete(port);
  }
}
