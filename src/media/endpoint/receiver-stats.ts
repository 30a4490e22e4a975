/**
 * Per-leg receive statistics (RFC 3550 A.1 sequence tracking, A.3 loss, A.8 jitter), updated on
 * every accepted packet without allocation. Private to the endpoint until the shared RTCP module
 * (src/media/rtp/rtcp.ts) provides the same figures.
 */
const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export class ReceiverStats {
  #started = false;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #transit = 0;
  /** Jitter in RTP timestamp units, ×16 as in A.8 (integer arithmetic). */
  #jitter16 = 0;
  readonly #clockRate: number;

  constructor(clockRate = 8000) {
    this.#clockRate = clockRate;
  }

  reset(): void {
    this.#started = false;
    this.#cycles = 0;
    this.#received = 0;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
    this.#jitter16 = 0;
  }

  /** One accepted packet: its sequence, RTP timestamp and arrival time (ms, monotonic). */
  update(seq: number, ts: number, arrivalMs: number): void {
    const arrival = Math.round(arrivalMs * (this.#clockRate / 1000));
    if (!this.#started) {
      this.#started = true;
      this.#baseSeq = seq;
      this.#maxSeq = seq;
      this.#received = 1;
      this.#transit = (arrival - ts) | 0;
      return;
    }
    const udelta = (seq - this.#maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (udelta < MAX_DROPOUT) {
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // a very large jump: treat as a restart of the sequence (A.1 simplified)
      this.#baseSeq = seq;
      this.#maxSeq = seq;
      this.#cycles = 0;
      this.#received = 0;
      this.#expectedPrior = 0;
      this.#receivedPrior = 0;
    }
    this.#received++;
    const transit = (arrival - ts) | 0;
    let d = transit - this.#transit;
    this.#transit = transit;
    if (d < 0) d = -d;
    this.#jitter16 += d - ((this.#jitter16 + 8) >> 4);
  }

  get received(): number {
    return this.#received;
  }

  get expected(): number {
    return this.#started ? this.#cycles + this.#maxSeq - this.#baseSeq + 1 : 0;
  }

  /** Cumulative lost (may be negative with duplicates, clamped at 0 for reporting). */
  get lost(): number {
    return Math.max(0, this.expected - this.#received);
  }

  get extendedMaxSeq(): number {
    return this.#cycles + this.#maxSeq;
  }

  /** Jitter in RTP timestamp units (RFC 3550 RR field). */
  get jitterTs(): number {
    return this.#jitter16 >> 4;
  }

  get jitterMs(): number {
    return (this.#jitter16 / 16) * (1000 / this.#clockRate);
  }

  /** Fraction lost since the previous call (RFC 3550 A.3), as the 8-bit RR field. */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
  }
}
