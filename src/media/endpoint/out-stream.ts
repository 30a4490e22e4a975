/**
 * Outgoing RTP stream of one endpoint: our own SSRC, and sequence/timestamp continuity whatever
 * feeds it. Relayed packets keep their spacing (seq/ts are offset, not renumbered); when the
 * source changes (other SSRC, other leg after a transfer, player frames) the offsets are
 * recomputed so the far end sees one continuous stream with the marker bit set.
 */
const SEQ_MASK = 0xffff;

export class OutStream {
  readonly ssrc: number;
  #seq: number;
  #ts: number;
  #lastSentMs = -1;
  /** Source key of the current input (ssrc of the relayed stream, or -1 for generated frames). */
  #source = -2;
  #seqDelta = 0;
  #tsDelta = 0;
  #clockRate: number;
  packets = 0;
  octets = 0;
  /** RTP timestamp and wall ms of the last packet (for RTCP SR). */
  lastRtpTs = 0;

  constructor(ssrc: number, seq: number, ts: number, clockRate = 8000) {
    this.ssrc = ssrc >>> 0;
    this.#seq = seq & SEQ_MASK;
    this.#ts = ts >>> 0;
    this.#clockRate = clockRate;
  }

  /**
   * Maps an incoming relayed packet's seq/ts into our stream. Returns true when this packet starts
   * a new source (caller sets the marker bit). Results in `seq`/`ts` fields.
   */
  mapRelayed(sourceKey: number, inSeq: number, inTs: number, nowMs: number): boolean {
    let fresh = false;
    if (sourceKey !== this.#source) {
      fresh = true;
      this.#source = sourceKey;
      const nextSeq = (this.#seq + 1) & SEQ_MASK;
      this.#seqDelta = (nextSeq - inSeq) & SEQ_MASK;
      const nextTs = this.#nextTsAfterGap(nowMs);
      this.#tsDelta = (nextTs - inTs) >>> 0;
    }
    const seq = (inSeq + this.#seqDelta) & SEQ_MASK;
    const ts = (inTs + this.#tsDelta) >>> 0;
    // keep the newest (reordered packets must not move the stream backwards)
    if (((seq - this.#seq) & SEQ_MASK) < 0x8000 || fresh) {
      this.#seq = seq;
      this.#ts = ts;
    }
    this.seq = seq;
    this.ts = ts;
    this.#lastSentMs = nowMs;
    return fresh;
  }

  /** Next numbers for a frame we generate ourselves (player, mixer) of `samples` samples. */
  nextGenerated(samples: number, nowMs: number): boolean {
    let fresh = false;
    if (this.#source !== -1) {
      fresh = true;
      this.#source = -1;
      this.#ts = (this.#nextTsAfterGap(nowMs) - samples) >>> 0;
    }
    this.#seq = (this.#seq + 1) & SEQ_MASK;
    this.#ts = (this.#ts + samples) >>> 0;
    this.seq = this.#seq;
    this.ts = this.#ts;
    this.#lastSentMs = nowMs;
    return fresh;
  }

  /** Forget the current source: the next packet (any source) restarts the offsets. */
  sourceChanged(): void {
    this.#source = -2;
  }

  /** Output of the last map call. */
  seq = 0;
  ts = 0;

  #nextTsAfterGap(nowMs: number): number {
    if (this.#lastSentMs < 0) return (this.#ts + 160) >>> 0;
    const gap = Math.max(1, Math.round(((nowMs - this.#lastSentMs) * this.#clockRate) / 1000));
    return (this.#ts + Math.max(gap, 160)) >>> 0;
  }
}
