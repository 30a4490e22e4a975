/**
 * RFC 4733 telephone-events (DTMF over RTP).
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     event     |E|R| volume    |          duration             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * All packets of one event share the RTP timestamp of its start; the first has the marker bit;
 * duration grows with each update; the end packet (E) is sent three times (§2.5.1.4).
 * The receiver keys events on the timestamp, reports each once (at its first end packet, or when
 * a new event or a timeout shows the end packets were lost) and ignores the retransmissions.
 */
import { RTP_HEADER_SIZE, writeRtpHeader } from '../rtp/rtp-packet.js';
import { type DtmfListener, dtmfDigitOf, dtmfEventOf, type TelephoneEvent } from './dtmf-types.js';

export const TELEPHONE_EVENT_SIZE = 4;

/** Reads a telephone-event payload at `offset`. false if shorter than 4 bytes. */
export function decodeTelephoneEvent(
  buf: Uint8Array,
  offset: number,
  len: number,
  out: TelephoneEvent,
): boolean {
  if (len < TELEPHONE_EVENT_SIZE || offset < 0 || offset + TELEPHONE_EVENT_SIZE > buf.length) return false;
  out.event = buf[offset]!;
  out.end = (buf[offset + 1]! & 0x80) !== 0;
  out.volume = buf[offset + 1]! & 0x3f;
  out.duration = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  return true;
}

/** Writes a telephone-event payload at `offset`; returns 4 (0 if it does not fit). */
export function encodeTelephoneEvent(buf: Uint8Array, offset: number, ev: TelephoneEvent): number {
  if (offset < 0 || offset + TELEPHONE_EVENT_SIZE > buf.length) return 0;
  const d = ev.duration > 0xffff ? 0xffff : Math.max(ev.duration, 0);
  buf[offset] = ev.event & 0xff;
  buf[offset + 1] = (ev.end ? 0x80 : 0) | (ev.volume & 0x3f);
  buf[offset + 2] = d >>> 8;
  buf[offset + 3] = d & 0xff;
  return TELEPHONE_EVENT_SIZE;
}

export interface Rfc4733ReceiverOptions {
  onDigit: DtmfListener;
  /** Called at the first packet of a new event (barge-in); optional. */
  onDigitStart?: (digit: string) => void;
  clockRate?: number;
  /** An event with no packet for this long is reported by poll() (lost end packets). Default 800 ms. */
  endTimeoutMs?: number;
}

export class Rfc4733Receiver {
  readonly #ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };
  #active = false;
  #reported = false;
  #haveLast = false;
  #ts = 0;
  #event = 0;
  #duration = 0;
  /** Duration of earlier segments of a long event. */
  #segments = 0;
  #lastMs = 0;
  readonly #rate: number;
  readonly #timeout: number;
  readonly #onDigit: DtmfListener;
  readonly #onStart: ((d: string) => void) | undefined;
  /** Packets ignored: malformed payloads, unknown events (not 0–15), stale retransmissions. */
  invalid = 0;
  duplicates = 0;
  digits = 0;

  constructor(opts: Rfc4733ReceiverOptions) {
    this.#onDigit = opts.onDigit;
    this.#onStart = opts.onDigitStart;
    this.#rate = opts.clockRate ?? 8000;
    this.#timeout = opts.endTimeoutMs ?? 800;
  }

  /** Feeds one telephone-event RTP packet (its timestamp and payload bytes). */
  push(timestamp: number, buf: Uint8Array, offset: number, len: number, arrivalMs = 0): boolean {
    const ev = this.#ev;
    if (!decodeTelephoneEvent(buf, offset, len, ev)) {
      this.invalid++;
      return false;
    }
    if (ev.event > 15) {
      this.invalid++; // flash hook and tones: not DTMF digits
      return false;
    }
    timestamp >>>= 0;
    if (this.#haveLast && timestamp === this.#ts) {
      if (this.#reported) {
        this.duplicates++; // end-packet retransmission or late update
        return true;
      }
      if (ev.duration > this.#duration) this.#duration = ev.duration;
      this.#lastMs = arrivalMs;
      if (ev.end) this.#report();
      return true;
    }
    // an event older than the current one (reordered retransmission) is ignored
    if (this.#haveLast && ((timestamp - this.#ts) | 0) < 0) {
      this.duplicates++;
      return true;
    }
    // long press (RFC 4733 §2.5.2.3): a segment that reached the maximum duration continues in a new
    // segment of the same event whose timestamp is the old one + the old duration
    if (
      this.#active &&
      !this.#reported &&
      ev.event === this.#event &&
      this.#duration >= 0xffff &&
      timestamp === (this.#ts + this.#duration) >>> 0
    ) {
      this.#segments += this.#duration;
      this.#ts = timestamp;
      this.#duration = ev.duration;
      this.#lastMs = arrivalMs;
      if (ev.end) this.#report();
      return true;
    }
    if (this.#active && !this.#reported) this.#report(); // previous event lost its end packets
    this.#haveLast = true;
    this.#segments = 0;
    this.#active = true;
    this.#reported = false;
    this.#ts = timestamp;
    this.#event = ev.event;
    this.#duration = ev.duration;
    this.#lastMs = arrivalMs;
    this.#onStart?.(dtmfDigitOf(ev.event)!);
    if (ev.end) this.#report();
    return true;
  }

  /** Reports an event whose end packets never came, once `endTimeoutMs` passed since its last packet. */
  poll(nowMs: number): void {
    if (this.#active && !this.#reported && nowMs - this.#lastMs >= this.#timeout) this.#report();
  }

  #report(): void {
    this.#reported = true;
    this.#active = false;
    this.digits++;
    this.#onDigit({
      digit: dtmfDigitOf(this.#event)!,
      durationMs: Math.round(((this.#segments + this.#duration) * 1000) / this.#rate),
      source: 'rfc4733',
    });
  }
}

export interface Rfc4733SenderOptions {
  payloadType: number;
  ssrc: number;
  clockRate?: number;
  /** Interval between updates (default 20 ms, one per tick). */
  packetMs?: number;
  /** Power level as −dBm0 (RFC 4733: 0–63, default 10). */
  volume?: number;
}

/**
 * Produces the telephone-event packets for a digit, one per tick: start(), then writeNext() each
 * 20 ms until it returns 0. Sequence numbers are supplied by the caller (shared with the audio
 * stream); the three end packets get their own sequence numbers, same timestamp and duration.
 */
export class Rfc4733Sender {
  readonly #opts: Required<Rfc4733SenderOptions>;
  #event = -1;
  #ts = 0;
  #total = 0;
  #remaining = 0;
  #totalUnits = 0;
  #segmentStart = false;
  #sent = 0;
  #ends = 0;
  readonly #ev: TelephoneEvent = { event: 0, end: false, volume: 0, duration: 0 };

  constructor(opts: Rfc4733SenderOptions) {
    this.#opts = { clockRate: 8000, packetMs: 20, volume: 10, ...opts };
  }

  get active(): boolean {
    return this.#event >= 0;
  }

  /** Begins a digit at RTP timestamp `timestamp`. false for a character that is not a DTMF key. */
  start(digit: string, durationMs: number, timestamp: number): boolean {
    const e = dtmfEventOf(digit);
    if (e < 0 || digit.length !== 1) return false;
    const step = (this.#opts.clockRate * this.#opts.packetMs) / 1000;
    this.#event = e;
    this.#ts = timestamp >>> 0;
    // up to 60 s; longer than 0xffff units (8.19 s at 8 kHz) is sent in segments (§2.5.1.3)
    this.#remaining = Math.max(
      step,
      Math.min(60 * this.#opts.clockRate, Math.round((durationMs * this.#opts.clockRate) / 1000)),
    );
    this.#totalUnits = this.#remaining;
    this.#total = Math.min(0xffff, this.#remaining);
    this.#sent = 0;
    this.#ends = 0;
    return true;
  }

  /** Writes the next packet (RTP header + 4 bytes) into buf; returns its length, or 0 when done. */
  writeNext(buf: Uint8Array, sequence: number): number {
    if (this.#event < 0 || buf.length < RTP_HEADER_SIZE + TELEPHONE_EVENT_SIZE) return 0;
    const step = (this.#opts.clockRate * this.#opts.packetMs) / 1000;
    if (this.#sent >= this.#total && this.#remaining > this.#total) {
      // segment boundary: the next segment starts where this one ended, same event, no marker
      this.#ts = (this.#ts + this.#total) >>> 0;
      this.#remaining -= this.#total;
      this.#total = Math.min(0xffff, this.#remaining);
      this.#sent = 0;
      this.#segmentStart = true;
    }
    const first = this.#sent === 0 && !this.#segmentStart;
    this.#segmentStart = false;
    this.#sent = Math.min(this.#total, this.#sent + step);
    const end = this.#sent >= this.#total && this.#remaining <= this.#total;
    writeRtpHeader(buf, {
      marker: first,
      payloadType: this.#opts.payloadType,
      sequence: sequence & 0xffff,
      timestamp: this.#ts,
      ssrc: this.#opts.ssrc,
    });
    const ev = this.#ev;
    ev.event = this.#event;
    ev.end = end;
    ev.volume = this.#opts.volume;
    ev.duration = this.#sent;
    encodeTelephoneEvent(buf, RTP_HEADER_SIZE, ev);
    if (end && ++this.#ends >= 3) this.#event = -1;
    return RTP_HEADER_SIZE + TELEPHONE_EVENT_SIZE;
  }

  /** Timestamp units the digit occupies (the audio timestamp resumes after it). */
  get durationUnits(): number {
    return this.#totalUnits;
  }

  /** All packets of a digit at once (tests, SIP INFO → RFC 4733 bridging). */
  packetsFor(digit: string, durationMs: number, timestamp: number, firstSequence: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (!this.start(digit, durationMs, timestamp)) return out;
    for (let seq = firstSequence; this.active && out.length < 4000; seq++) {
      const b = new Uint8Array(RTP_HEADER_SIZE + TELEPHONE_EVENT_SIZE);
      this.writeNext(b, seq);
      out.push(b);
    }
    return out;
  }
}
