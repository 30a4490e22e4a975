/**
 * DTMF for one endpoint inside a worker:
 * - in: RFC 4733 telephone-events (always, cheap) and, when asked, in-band tones (decode + Goertzel)
 *   → 'dtmf' events with digit, duration and source;
 * - out: RFC 4733 digits sent on the worker tick, one packet per 20 ms; relayed audio towards the
 *   leg pauses meanwhile and the outgoing stream stays continuous (same SSRC, seq + 1).
 */
import { FRAME_SAMPLES } from '../audio.js';
import { type AudioCodec, codecByName } from '../codecs/codec.js';
import { InbandDtmfDetector } from '../dtmf/goertzel.js';
import { Rfc4733Receiver, Rfc4733Sender } from '../dtmf/rfc4733.js';
import type { MediaLeg, PayloadTap } from '../endpoint/media-leg.js';
import type { MediaCodecName } from '../media-types.js';

const GAP_MS = 60;

export class DtmfTap {
  readonly #ep: MediaLeg;
  readonly #rx: Rfc4733Receiver;
  #inband: InbandDtmfDetector | null = null;
  readonly #pcm = new Int16Array(FRAME_SAMPLES * 8);
  readonly #tap: PayloadTap;
  #sender: Rfc4733Sender | null = null;
  readonly #queue: Array<{ digit: string; durationMs: number }> = [];
  #gapUntil = 0;
  readonly #pkt = Buffer.alloc(16);
  #senderPt = -1;
  #codecName: MediaCodecName = 'PCMU';
  #codec: AudioCodec = codecByName('PCMU');

  constructor(ep: MediaLeg) {
    this.#ep = ep;
    this.#rx = new Rfc4733Receiver({ onDigit: (d) => ep.emit('dtmf', { ...d, source: 'rfc4733' }) });
    this.#tap = (payload, _h, codec) => {
      if (!this.#inband) return;
      if (codec !== this.#codecName) {
        this.#codecName = codec;
        this.#codec = codecByName(codec);
      }
      const n = this.#codec.decode(payload, this.#pcm);
      this.#inband.process(this.#pcm, n);
    };
    ep.onTelephoneEvent = (payload, h, _codec, now) => {
      this.#rx.push(h.timestamp, payload, 0, payload.length, now);
    };
  }

  /** Turns in-band detection on or off (on by default when no telephone-event was negotiated). */
  setInband(on: boolean): void {
    if (on && !this.#inband) {
      this.#inband = new InbandDtmfDetector({
        onDigit: (d) => this.#ep.emit('dtmf', { digit: d.digit, durationMs: d.durationMs, source: 'inband' }),
      });
      this.#ep.inputTaps.add(this.#tap); // audio is decoded only while in-band detection is on
    } else if (!on) {
      this.#inband = null;
      this.#ep.inputTaps.delete(this.#tap);
    }
  }

  /** Digits are done but the leg still holds relayed audio back (cleared on the next tick). */
  get finishing(): boolean {
    return this.#ep.sendingDtmf;
  }

  get sending(): boolean {
    return this.#sender?.active === true || this.#queue.length > 0;
  }

  /** Queues digits for RFC 4733 sending. */
  send(digits: string, durationMs: number): void {
    for (const d of digits) this.#queue.push({ digit: d, durationMs });
  }

  /** Housekeeping (every few ticks): reports events whose end packets were lost. */
  poll(nowMs: number): void {
    this.#rx.poll(nowMs);
  }

  /** Worker tick while `sending`: the next outgoing event packet. */
  tick(nowMs: number): void {
    const ep = this.#ep;
    if (ep.telephoneEventPt < 0) {
      this.#queue.length = 0;
      return;
    }
    if (!this.#sender?.active) {
      if (this.#queue.length === 0 || nowMs < this.#gapUntil) {
        if (this.#queue.length === 0 && ep.sendingDtmf) {
          ep.sendingDtmf = false;
          ep.out.sourceChanged();
        }
        return;
      }
      const next = this.#queue.shift()!;
      if (!this.#sender || this.#senderPt !== ep.telephoneEventPt) {
        this.#sender = new Rfc4733Sender({ payloadType: ep.telephoneEventPt, ssrc: ep.out.ssrc });
        this.#senderPt = ep.telephoneEventPt;
      }
      ep.sendingDtmf = true;
      ep.out.nextGenerated(FRAME_SAMPLES, nowMs);
      if (!this.#sender.start(next.digit, next.durationMs, ep.out.ts)) return;
    } else {
      ep.out.nextGenerated(FRAME_SAMPLES, nowMs);
    }
    const len = this.#sender.writeNext(this.#pkt, ep.out.seq);
    if (len > 0) ep.sendRaw(this.#pkt, len);
    if (!this.#sender.active) this.#gapUntil = nowMs + GAP_MS;
  }

  close(): void {
    this.#ep.inputTaps.delete(this.#tap);
    if (this.#ep.onTelephoneEvent) this.#ep.onTelephoneEvent = null;
  }
}
