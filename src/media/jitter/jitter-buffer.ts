/**
 * Adaptive jitter buffer for legs where we terminate media (playback, recording, mixing, DTMF).
 *
 * - Payloads are copied into a preallocated ring of 32 slots indexed by extended sequence number
 *   (16-bit wrap unwrapped) and decoded at playout, so late and duplicate packets cost no decode.
 * - pop() is called once per 20 ms tick and always fills one frame: real audio (JB_FRAME), a
 *   concealed frame (JB_CONCEALED: pitch-based PLC after G.711 Appendix I, dsp/plc.ts, which fades
 *   to silence over 60 ms) or zeros (JB_SILENCE). Any packet duration is accepted (10/20/30/60 ms ptime): samples stream
 *   through a decode buffer across ticks.
 * - Loss: if the next packet is missing but a newer one is buffered, the missing one is lost and
 *   concealed. If nothing newer is buffered (delay spike, end of talkspurt) the buffer stalls:
 *   conceals/silences without advancing, which grows the delay by exactly the spike.
 * - Adaptation: per packet, relative delay = transit − min transit; its decaying peak (half-life
 *   ≈ 7 s) sets target = ceil(peak / 20 ms) · 20 ms + 20 ms within [minDelayMs, maxDelayMs]. Playout
 *   starts target ms after the first packet; while more than target + 20 ms is buffered for 10
 *   ticks in a row one packet is dropped (shrink), preferably a quiet one (below about −40 dBFS:
 *   a pause in speech), forced after 2 s, so the delay follows the target down.
 * - A stall that lasts until the concealment is silent (≥ 60 ms) rebuffers: if the next packet
 *   starts a new talkspurt (its RTP timestamp jumps past the sequence-implied one: silence
 *   suppression), playout waits the target delay, instead of starting with an empty buffer and
 *   stalling again at the first jitter; delayed or lost packets (no timestamp gap) resume at once.
 * - A stall's duration is remembered: when newer packets then show the missing ones were lost,
 *   as many as the stall lasted are skipped silently (their time has passed) instead of played.
 * - Restart on SSRC change, and on a sequence jump of > 100 packets confirmed by a second
 *   sequential packet (RFC 3550 A.1 style); a timestamp jump with contiguous sequence numbers only
 *   re-anchors the delay estimator. A restart drops the old stream's unplayed
 *   tail (at most the target delay) and waits the target delay again. No clock is read: arrival
 *   times are passed in.
 */
import { FRAME_MS, FRAME_SAMPLES } from '../audio.js';
import type { AudioCodec } from '../codecs/codec.js';
import { PacketLossConcealer } from '../dsp/plc.js';
import {
  JB_CONCEALED,
  JB_FRAME,
  JB_SILENCE,
  type JitterBufferLike,
  type JitterBufferOptions,
  type JitterBufferStats,
} from './jitter-types.js';

export { JB_CONCEALED, JB_FRAME, JB_SILENCE } from './jitter-types.js';

const SLOTS = 32;
const MASK = SLOTS - 1;
/** Largest payload accepted (60 ms of G.711). */
export const JB_MAX_PAYLOAD = 480;
const MAX_SAMPLES = 960;
const BASE = 1 << 20; // extended sequence numbers start here so deltas never go negative
const JUMP = 100;
const PEAK_DECAY = 0.998;
const SHRINK_TICKS = 10;
const SHRINK_FORCE_TICKS = 100;
const QUIET_RMS = 330;

export class JitterBuffer implements JitterBufferLike {
  readonly stats: JitterBufferStats = {
    pushed: 0,
    duplicates: 0,
    late: 0,
    reordered: 0,
    overflow: 0,
    invalid: 0,
    lost: 0,
    concealed: 0,
    silence: 0,
    resets: 0,
    jumps: 0,
    tsJumps: 0,
    underflows: 0,
    shrinks: 0,
    rebuffers: 0,
    jitterMs: 0,
    targetDelayMs: 0,
    depthFrames: 0,
  };
  readonly #codec: AudioCodec;
  readonly #min: number;
  readonly #max: number;
  readonly #payload = new Uint8Array(SLOTS * JB_MAX_PAYLOAD);
  readonly #len = new Int32Array(SLOTS);
  readonly #seqOf = new Int32Array(SLOTS);
  readonly #tsOf = new Float64Array(SLOTS);
  #lastSeq = -1;
  #lastTs = 0;
  #rebuffering = false;
  readonly #pcm = new Int16Array(MAX_SAMPLES);
  readonly #scratch = new Int16Array(MAX_SAMPLES);
  readonly #plc = new PacketLossConcealer();
  #pcmLen = 0;
  #pcmOff = 0;
  #ptime = FRAME_SAMPLES;
  #haveFirst = false;
  #started = false;
  #waitTicks = 0;
  #ssrc = 0;
  #next = BASE;
  #highest = BASE;
  #badSeq = -1;
  /** Samples output while stalled; missing packets later found lost are skipped against them. */
  #stalled = 0;
  #excessTicks = 0;
  // delay estimator
  #baseTs = 0;
  #rate = 8;
  #prevTransit = 0;
  #minTransit = 0;
  #peak = 0;
  #jitter = 0;

  constructor(opts: JitterBufferOptions) {
    this.#codec = opts.codec;
    this.#rate = opts.codec.clockRate / 1000;
    this.#min = Math.max(FRAME_MS, opts.minDelayMs ?? 40);
    this.#max = Math.max(this.#min, Math.min(opts.maxDelayMs ?? 200, (SLOTS - 4) * FRAME_MS));
    this.stats.targetDelayMs = this.#min;
    this.#len.fill(-1);
  }

  get targetDelayMs(): number {
    return this.stats.targetDelayMs;
  }

  reset(): void {
    this.#haveFirst = false;
    this.#started = false;
    this.#len.fill(-1);
    this.#pcmLen = this.#pcmOff = 0;
    this.#plc.reset();
    this.#badSeq = -1;
    this.#peak = 0;
    this.#jitter = 0;
    this.stats.targetDelayMs = this.#min;
  }

  #restart(ssrc: number, seq: number, ts: number, arrivalMs: number): void {
    if (this.#haveFirst) this.stats.resets++;
    this.#haveFirst = true;
    this.#started = false;
    this.#ssrc = ssrc;
    this.#len.fill(-1);
    this.#next = this.#highest = BASE + seq;
    this.#pcmLen = this.#pcmOff = 0;
    this.#stalled = 0;
    this.#lastSeq = -1;
    this.#rebuffering = false;
    this.#badSeq = -1;
    this.#waitTicks = Math.round(this.stats.targetDelayMs / FRAME_MS);
    this.#baseTs = ts;
    this.#prevTransit = this.#minTransit = arrivalMs;
  }

  push(
    seq: number,
    ts: number,
    ssrc: number,
    buf: Uint8Array,
    offset: number,
    len: number,
    arrivalMs: number,
  ): boolean {
    if (!(len > 0 && len <= JB_MAX_PAYLOAD && offset >= 0 && offset + len <= buf.length)) {
      this.stats.invalid++;
      return false;
    }
    seq &= 0xffff;
    ts >>>= 0;
    ssrc >>>= 0;
    if (!Number.isFinite(arrivalMs)) arrivalMs = 0; // a bad clock reading must not poison the estimate
    if (!this.#haveFirst || ssrc !== this.#ssrc) this.#restart(ssrc, seq, ts, arrivalMs);
    let ext = this.#highest + ((((seq - (this.#highest & 0xffff)) & 0xffff) ^ 0x8000) - 0x8000);
    let delta = ext - this.#next;
    if (delta > JUMP + SLOTS || delta < -JUMP) {
      if (seq !== this.#badSeq) {
        this.#badSeq = (seq + 1) & 0xffff;
        this.stats.jumps++;
        return false;
      }
      this.#restart(ssrc, seq, ts, arrivalMs);
      ext = this.#next;
      delta = 0;
    }
    this.#badSeq = -1;
    if (delta < 0) {
      if (this.#started || this.#lastSeq >= 0 || this.#highest - ext >= SLOTS) {
        this.stats.late++;
        return false;
      }
      this.#next = ext; // reordered before the first playout: play it first
      delta = 0;
    }
    if (delta >= SLOTS) {
      // far ahead of playout: skip forward to keep the newest audio (counted as overflow)
      const newNext = ext - SLOTS + 1;
      for (let s = this.#next; s < newNext; s++) {
        const k = s & MASK;
        if (this.#len[k]! >= 0 && this.#seqOf[k] === s) this.#len[k] = -1;
        this.stats.overflow++;
      }
      this.#next = newNext;
    }
    const k = ext & MASK;
    if (this.#len[k]! >= 0 && this.#seqOf[k] === ext) {
      this.stats.duplicates++;
      return false;
    }
    const dst = this.#payload;
    const base = k * JB_MAX_PAYLOAD;
    for (let i = 0; i < len; i++) dst[base + i] = buf[offset + i]!;
    this.#len[k] = len;
    this.#seqOf[k] = ext;
    this.#tsOf[k] = ts;
    if (ext < this.#highest) this.stats.reordered++;
    else this.#highest = ext;
    this.stats.pushed++;
    this.#estimate(ts, arrivalMs);
    return true;
  }

  #estimate(ts: number, arrivalMs: number): void {
    const transit = arrivalMs - ((ts - this.#baseTs) | 0) / this.#rate;
    const d = transit - this.#prevTransit;
    if (d > 1000 || d < -1000) {
      // timestamp discontinuity: re-anchor instead of reading it as a delay spike
      this.stats.tsJumps++;
      this.#baseTs = ts;
      this.#prevTransit = this.#minTransit = arrivalMs;
      return;
    }
    this.#prevTransit = transit;
    this.#jitter += ((d < 0 ? -d : d) - this.#jitter) / 16;
    if (transit < this.#minTransit) {
      this.#peak += this.#minTransit - transit; // earlier packets were later than we thought
      this.#minTransit = transit;
    }
    const rel = transit - this.#minTransit;
    this.#peak = Math.max(rel, this.#peak * PEAK_DECAY);
    let target = Math.ceil(this.#peak / FRAME_MS) * FRAME_MS + FRAME_MS;
    if (target < this.#min) target = this.#min;
    if (target > this.#max) target = this.#max;
    this.stats.targetDelayMs = target;
    this.stats.jitterMs = this.#jitter;
  }

  /** The next packet starts after a timestamp gap (silence suppression), not right after the last one. */
  #talkspurtAhead(): boolean {
    const s = this.#next;
    if (this.#lastSeq < 0 || !this.#has(s)) return false;
    const step = (this.#ptime / 8) * this.#rate; // timestamp units per packet
    const expected = this.#lastTs + (s - this.#lastSeq) * step;
    return ((this.#tsOf[s & MASK]! - expected) | 0) > step;
  }

  #has(s: number): boolean {
    const k = s & MASK;
    return this.#len[k]! >= 0 && this.#seqOf[k] === s;
  }

  pop(out: Int16Array): number {
    const n = out.length;
    if (!this.#haveFirst) {
      out.fill(0);
      this.stats.silence++;
      return JB_SILENCE;
    }
    if (!this.#started) {
      const ready = this.#highest >= this.#next;
      // after a silent stall: a new talkspurt (timestamp gap) waits the target delay; packets that
      // were merely delayed or lost (no timestamp gap) resume at once
      if (ready && this.#rebuffering && !this.#talkspurtAhead()) this.#waitTicks = 0;
      if (ready && this.#waitTicks <= 0) {
        this.#started = true;
        this.#rebuffering = false;
      } else {
        if (ready) this.#waitTicks--;
        this.#stalled += n; // time passes: packets due meanwhile are skipped if found lost
        out.fill(0);
        this.stats.silence++;
        return JB_SILENCE;
      }
    }
    this.#maybeShrink();
    let concealed = false;
    let audible = false;
    let o = 0;
    while (o < n) {
      if (this.#pcmOff < this.#pcmLen) {
        let m = this.#pcmLen - this.#pcmOff;
        if (m > n - o) m = n - o;
        const pcm = this.#pcm;
        const from = this.#pcmOff;
        for (let i = 0; i < m; i++) out[o + i] = pcm[from + i]!;
        this.#pcmOff += m;
        o += m;
        continue;
      }
      const s = this.#next;
      if (this.#has(s)) {
        const k = s & MASK;
        const got = this.#codec.decodeFrom(this.#payload, k * JB_MAX_PAYLOAD, this.#len[k]!, this.#pcm);
        this.#len[k] = -1;
        this.#next = s + 1;
        this.#lastSeq = s;
        this.#lastTs = this.#tsOf[k]!;
        if (got > 0) {
          this.#pcmLen = got;
          this.#pcmOff = 0;
          this.#ptime = got;
          this.#stalled = 0; // any stall time left is now added delay
          this.#plc.good(this.#pcm, 0, got); // cross-fades out of a concealment, keeps history
          continue;
        }
      } else if (this.#highest > s) {
        this.stats.lost++;
        this.#next = s + 1;
        if (this.#stalled >= this.#ptime) {
          this.#stalled -= this.#ptime; // its time already passed while we stalled
          continue;
        }
      } else {
        // nothing newer buffered: stall without advancing
        this.stats.underflows++;
        concealed = true;
        if (this.#plc.conceal(out, o, n - o)) audible = true;
        this.#stalled += n - o;
        o = n;
        if (!this.#plc.audible) {
          // silent anyway (silence suppression or outage): rebuffer, so a new talkspurt starts
          // with the target delay instead of none
          this.#started = false;
          this.#rebuffering = true;
          this.#waitTicks = Math.round(this.stats.targetDelayMs / FRAME_MS);
          this.stats.rebuffers++;
        }
        break;
      }
      // lost packet (or undecodable payload): conceal its duration
      concealed = true;
      if (this.#plc.conceal(this.#pcm, 0, this.#ptime)) audible = true;
      this.#pcmLen = this.#ptime;
      this.#pcmOff = 0;
    }
    const status = !concealed ? JB_FRAME : audible ? JB_CONCEALED : JB_SILENCE;
    if (status === JB_CONCEALED) this.stats.concealed++;
    else this.stats.silence++;
    this.stats.depthFrames = this.#highest - this.#next + 1;
    return status;
  }

  /** True when the packet in slot k decodes to less than QUIET_RMS (about −40 dBFS). */
  #isQuiet(k: number): boolean {
    const n = this.#codec.decodeFrom(this.#payload, k * JB_MAX_PAYLOAD, this.#len[k]!, this.#scratch);
    let e = 0;
    const x = this.#scratch;
    for (let i = 0; i < n; i++) e += x[i]! * x[i]!;
    return n > 0 && e < QUIET_RMS * QUIET_RMS * n;
  }

  #maybeShrink(): void {
    const depthMs = (this.#highest - this.#next + 1) * (this.#ptime / this.#rate);
    if (depthMs > this.stats.targetDelayMs + FRAME_MS) {
      if (++this.#excessTicks >= SHRINK_TICKS && this.#has(this.#next)) {
        // prefer dropping a quiet packet (a speech pause: inaudible); force one after 2 s
        const k = this.#next & MASK;
        if (this.#excessTicks >= SHRINK_FORCE_TICKS || this.#isQuiet(k)) {
          this.#len[k] = -1;
          this.#next++;
          this.stats.shrinks++;
          this.#excessTicks = 0;
        }
      }
    } else this.#excessTicks = 0;
  }
}
