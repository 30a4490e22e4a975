/**
 * RFC 3550 receiver and sender statistics, allocation-free per packet:
 * - A.1 sequence validation (probation, 16-bit wrap cycles, large jumps re-sync on two in a row),
 * - A.3 expected / lost / fraction lost per report interval,
 * - A.8 interarrival jitter (J += (|D| − J) / 16, in timestamp units).
 * Arrival times are passed in (milliseconds from any monotonic origin); no clocks are read.
 */

import { msToNtp, ntpMiddle } from './ntp.js';
import type { ReportBlock } from './rtcp.js';

const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

export class RtpReceiverStats {
  maxSeq = 0;
  /** Shifted count of sequence wraps (multiple of 65536). */
  cycles = 0;
  baseSeq = 0;
  badSeq = RTP_SEQ_MOD + 1;
  probation: number;
  /** Packets accepted (duplicates included, as in RFC 3550). */
  received = 0;
  /** Packets rejected by the A.1 validation (probation, wild jumps). */
  rejected = 0;
  expectedPrior = 0;
  receivedPrior = 0;
  /** A.8 jitter estimate, timestamp units (fractional). */
  jitter = 0;
  /** Highest-seq/lost fields at the last SR from this source, for LSR/DLSR. */
  lastSrNtpMiddle = 0;
  lastSrArrivalMs = 0;
  ssrc = 0;
  #started = false;
  #transit = 0;
  #haveTransit = false;
  readonly #unitsPerMs: number;

  /**
   * @param clockRate RTP clock rate (8000 for G.711)
   * @param minSequential packets in sequence before a new source is valid (RFC default 2;
   *   1 means trust the first packet, e.g. for a source announced in SDP)
   */
  constructor(
    readonly clockRate = 8000,
    readonly minSequential = MIN_SEQUENTIAL,
  ) {
    this.probation = minSequential;
    this.#unitsPerMs = clockRate / 1000;
  }

  #initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** Forgets everything (new SSRC). */
  reset(ssrc = 0): void {
    this.#started = false;
    this.#haveTransit = false;
    this.jitter = 0;
    this.rejected = 0;
    this.probation = this.minSequential;
    this.lastSrNtpMiddle = 0;
    this.lastSrArrivalMs = 0;
    this.ssrc = ssrc;
    this.#initSeq(0);
  }

  /**
   * Accounts one received packet. Returns false when A.1 does not (yet) accept it as valid
   * (probation, or the first of a large jump); such packets should not be played.
   */
  update(seq: number, rtpTimestamp: number, arrivalMs: number): boolean {
    seq &= 0xffff;
    if (!this.#started) {
      this.#started = true;
      this.#initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
      this.probation = this.minSequential;
    }
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.#initSeq(seq);
          this.received++;
          this.#jitter(rtpTimestamp, arrivalMs);
          return true;
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      this.rejected++;
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq === this.badSeq) {
        // two sequential packets after a big jump: the source restarted; re-sync
        this.#initSeq(seq);
        this.#haveTransit = false;
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        this.rejected++;
        return false;
      }
    }
    // else: duplicate or reordered packet, counted but max_seq unchanged
    this.received++;
    this.#jitter(rtpTimestamp, arrivalMs);
    return true;
  }

  #jitter(ts: number, arrivalMs: number): void {
    const arrival = Math.floor(arrivalMs * this.#unitsPerMs) % 4294967296;
    const transit = (arrival - (ts >>> 0)) | 0;
    if (this.#haveTransit) {
      let d = (transit - this.#transit) | 0;
      if (d < 0) d = -d;
      this.jitter += (d - this.jitter) / 16;
    }
    this.#transit = transit;
    this.#haveTransit = true;
  }

  /** Records an SR from this source (for LSR/DLSR in our next report). */
  onSenderReport(ntpSec: number, ntpFrac: number, arrivalMs: number): void {
    this.lastSrNtpMiddle = ntpMiddle(ntpSec, ntpFrac);
    this.lastSrArrivalMs = arrivalMs;
  }

  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.received === 0 && this.probation > 0 ? 0 : this.extendedMax - this.baseSeq + 1;
  }

  /** Cumulative lost, clamped to signed 24 bits as RFC 3550 A.3 says. */
  get lost(): number {
    const l = this.expected - this.received;
    return l > 0x7fffff ? 0x7fffff : Math.max(l, -0x800000);
  }

  get jitterMs(): number {
    return this.jitter / this.#unitsPerMs;
  }

  /**
   * Builds the report block for this source and starts a new interval (A.3: the fraction lost
   * covers the packets since the previous call).
   */
  makeReportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const dlsr =
      this.lastSrNtpMiddle === 0 ? 0 : Math.floor(((nowMs - this.lastSrArrivalMs) / 1000) * 65536) >>> 0;
    return {
      ssrc: this.ssrc >>> 0,
      fractionLost: Math.min(fraction, 255),
      cumulativeLost: this.lost,
      highestSeq: this.extendedMax >>> 0,
      jitter: Math.floor(this.jitter) >>> 0,
      lsr: this.lastSrNtpMiddle,
      dlsr,
    };
  }
}

/** Counts what we send, for the SR sender info. */
export class RtpSenderStats {
  packetCount = 0;
  octetCount = 0;
  lastRtpTimestamp = 0;
  lastSendMs = 0;

  onSent(payloadBytes: number, rtpTimestamp: number, nowMs: number): void {
    this.packetCount = (this.packetCount + 1) >>> 0;
    this.octetCount = (this.octetCount + payloadBytes) >>> 0;
    this.lastRtpTimestamp = rtpTimestamp >>> 0;
    this.lastSendMs = nowMs;
  }

  /**
   * Sender info for an SR at wall-clock `wallMs`; the RTP timestamp is extrapolated from the
   * last packet sent (`monoMs` is the same instant on the clock used for onSent()).
   */
  senderInfo(wallMs: number, monoMs: number, clockRate = 8000) {
    const ntp = msToNtp(wallMs);
    const rtp = (this.lastRtpTimestamp + Math.floor(((monoMs - this.lastSendMs) * clockRate) / 1000)) >>> 0;
    return {
      ntpSec: ntp.sec,
      ntpFrac: ntp.frac,
      rtpTimestamp: rtp,
      packetCount: this.packetCount,
      octetCount: this.octetCount,
    };
  }
}
