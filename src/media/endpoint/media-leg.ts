/**
 * What every leg of the media plane shares, whatever carries its packets (plain UDP RTP, or
 * WebRTC's DTLS-SRTP): the accepted-packet path (payload type check, receive statistics, taps,
 * sink), and the sending path (re-stamping into our own outgoing stream, payload type mapping,
 * G.711 transcoding, output taps). Subclasses provide the transport: `transmit(pkt, len)`.
 */
import { ALAW_TO_ULAW, ULAW_TO_ALAW } from '../codecs/g711.js';
import type { EndpointCounters, EndpointStats, MediaCodecName, MediaEventMap } from '../media-types.js';
import {
  createRtpHeader,
  type RtpHeader,
  readRtpHeader,
  restampRtp,
  writeRtpHeader,
} from '../rtp/rtp-packet.js';
import { OutStream } from './out-stream.js';
import { ReceiverStats } from './receiver-stats.js';

/** Largest RTP datagram accepted (Ethernet MTU); anything bigger is dropped as oversized. */
export const MAX_RTP_PACKET = 1500;

export type EndpointEmit = <N extends keyof MediaEventMap>(name: N, body: MediaEventMap[N]) => void;

/** Receives every accepted RTP packet of a leg (the bridge forwarding it to the other leg). */
export type PacketSink = (from: MediaLeg, buf: Buffer, h: RtpHeader, nowMs: number) => void;
/** Sees the audio payload of accepted packets (recorder, DTMF detector). Must copy what it keeps. */
export type PayloadTap = (payload: Uint8Array, h: RtpHeader, codec: MediaCodecName, nowMs: number) => void;

export const PT_OF: Record<MediaCodecName, number> = { PCMU: 0, PCMA: 8 };

/** Listeners of a leg, iterated by index on the packet path (a Set's iterator allocates). */
export class TapList {
  items: PayloadTap[] = [];

  get size(): number {
    return this.items.length;
  }

  add(tap: PayloadTap): void {
    if (!this.items.includes(tap)) this.items = [...this.items, tap];
  }

  delete(tap: PayloadTap): void {
    this.items = this.items.filter((t) => t !== tap);
  }

  clear(): void {
    this.items = [];
  }

  /** Calls every tap (the array is replaced, never mutated, so taps may remove themselves). */
  run(payload: Uint8Array, h: RtpHeader, codec: MediaCodecName, now: number): void {
    const items = this.items;
    for (let i = 0; i < items.length; i++) items[i]!(payload, h, codec, now);
  }
}

export function newCounters(): EndpointCounters {
  return {
    packetsIn: 0,
    packetsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    droppedMalformed: 0,
    droppedOversized: 0,
    droppedWrongSource: 0,
    droppedWrongSsrc: 0,
    droppedWrongPt: 0,
    rtcpIn: 0,
    rtcpOut: 0,
    connectDeclined: 0,
  };
}

/** What relaying needs to know about where a packet comes from (a leg, or a leg on another worker). */
export interface RelaySource {
  readonly codec: MediaCodecName;
  readonly telephoneEventPt: number;
  sourceKey(ssrc: number): number;
}

export abstract class MediaLeg implements RelaySource {
  readonly id: string;
  readonly out: OutStream;
  readonly recv = new ReceiverStats();
  readonly counters: EndpointCounters = newCounters();
  sink: PacketSink | null = null;
  /** See the audio payload of accepted packets (recorder, in-band DTMF, conference). */
  readonly inputTaps = new TapList();
  readonly outputTaps = new TapList();
  /** Sees accepted telephone-event packets (RFC 4733 receiver). */
  onTelephoneEvent: PayloadTap | null = null;
  /** When set (a player owns the leg), relayed packets towards this leg are dropped. */
  relayMuted = false;
  /** Set while RFC 4733 digits go out: relayed audio pauses (one stream, no seq clashes). */
  sendingDtmf = false;
  codec: MediaCodecName = 'PCMU';
  telephoneEventPt = -1;
  readonly emit: EndpointEmit;
  protected readonly header: RtpHeader = createRtpHeader();
  /**
   * Rotating send buffers for packets we build: a UDP send the kernel cannot take at once is
   * queued by libuv with a pointer to our memory, so a buffer is not reused for the next 7 sends.
   */
  readonly #ring = Array.from({ length: 8 }, () => Buffer.alloc(MAX_RTP_PACKET));
  #ringPos = 0;

  protected nextSendBuffer(): Buffer {
    this.#ringPos = (this.#ringPos + 1) & 7;
    return this.#ring[this.#ringPos]!;
  }
  /** True once the far end is known (SDP/answer): nothing is sent or accepted before. */
  protected remoteSet = false;
  #closed = false;
  readonly #salt: number;

  constructor(id: string, emit: EndpointEmit) {
    this.id = id;
    this.emit = emit;
    const rnd = new Uint32Array(4);
    crypto.getRandomValues(rnd);
    this.out = new OutStream(rnd[0]!, rnd[1]! & 0xffff, rnd[2]!);
    this.#salt = rnd[3]!;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends `len` bytes of a complete RTP packet on this leg's transport. */
  protected abstract transmit(pkt: Buffer, len: number): void;

  abstract tick(nowMs: number): void;

  abstract stats(): EndpointStats;

  /**
   * Parses and validates an incoming packet; returns false (counted) if it is not acceptable RTP
   * for this leg. On true, `this.header` holds the parsed header.
   */
  protected parse(buf: Buffer, len: number): boolean {
    if (len > MAX_RTP_PACKET) {
      this.counters.droppedOversized++;
      return false;
    }
    if (!readRtpHeader(buf, len, this.header)) {
      this.counters.droppedMalformed++;
      return false;
    }
    if (!this.remoteSet) {
      this.counters.droppedWrongSource++;
      return false;
    }
    const pt = this.header.payloadType;
    if (pt !== PT_OF[this.codec] && pt !== this.telephoneEventPt) {
      this.counters.droppedWrongPt++;
      return false;
    }
    return true;
  }

  /** Delivers a parsed, accepted packet: statistics, taps, then the sink. */
  protected accept(buf: Buffer, len: number, now: number): void {
    const h = this.header;
    this.counters.packetsIn++;
    this.counters.bytesIn += len;
    if (h.payloadType === PT_OF[this.codec]) {
      this.recv.update(h.sequence, h.timestamp, now);
      if (this.inputTaps.items.length > 0) {
        this.inputTaps.run(
          buf.subarray(h.headerLength, h.headerLength + h.payloadLength),
          h,
          this.codec,
          now,
        );
      }
    } else if (this.onTelephoneEvent) {
      this.onTelephoneEvent(
        buf.subarray(h.headerLength, h.headerLength + h.payloadLength),
        h,
        this.codec,
        now,
      );
    }
    this.sink?.(this, buf, h, now);
  }

  /**
   * Sends a packet relayed from `from` (its Buffer, header parsed into `h`): re-stamps SSRC/seq/ts
   * into our stream, maps the payload type, transcodes G.711 if the codecs differ.
   */
  relay(from: RelaySource, buf: Buffer, h: RtpHeader, nowMs: number): void {
    if (this.#closed || !this.remoteSet || this.relayMuted || this.sendingDtmf) return;
    const inPt = h.payloadType;
    let outPt: number;
    let transcode: Uint8Array | null = null;
    if (inPt === from.telephoneEventPt) {
      if (this.telephoneEventPt < 0) return;
      outPt = this.telephoneEventPt;
    } else {
      outPt = PT_OF[this.codec];
      if (from.codec !== this.codec) transcode = this.codec === 'PCMA' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
    }
    let pkt: Buffer = buf;
    let len = h.headerLength + h.payloadLength;
    let off = h.headerLength;
    if (h.headerLength !== 12 || h.padding) {
      // strip CSRC/extension/padding into one of our send buffers
      pkt = this.nextSendBuffer();
      buf.copy(pkt, 12, h.headerLength, h.headerLength + h.payloadLength);
      off = 12;
      len = 12 + h.payloadLength;
    }
    const fresh = this.out.mapRelayed(from.sourceKey(h.ssrc), h.sequence, h.timestamp, nowMs);
    // re-stamp in place (no allocation): V=2, no padding/extension/CSRC after the strip above
    pkt[0] = 0x80;
    pkt[1] = (h.marker || fresh ? 0x80 : 0) | outPt;
    restampRtp(pkt, this.out.seq, this.out.ts, this.out.ssrc);
    if (transcode) {
      for (let i = off; i < len; i++) pkt[i] = transcode[pkt[i]!]!;
    }
    if (this.outputTaps.items.length > 0 && outPt !== this.telephoneEventPt) {
      this.outputTaps.run(pkt.subarray(off, len), h, this.codec, nowMs);
    }
    this.#count(len);
    this.transmit(pkt, len);
  }

  /** Sends one payload we generated (player, mixer) in our codec: `payload` is already encoded. */
  sendPayload(payload: Uint8Array, samples: number, nowMs: number, marker = false): void {
    if (this.#closed || !this.remoteSet) return;
    const fresh = this.out.nextGenerated(samples, nowMs);
    const pkt = this.nextSendBuffer();
    writeRtpHeader(pkt, {
      marker: marker || fresh,
      payloadType: PT_OF[this.codec],
      sequence: this.out.seq,
      timestamp: this.out.ts,
      ssrc: this.out.ssrc,
    });
    pkt.set(payload, 12);
    if (this.outputTaps.items.length > 0) this.outputTaps.run(payload, this.header, this.codec, nowMs);
    this.#count(12 + payload.length);
    this.transmit(pkt, 12 + payload.length);
  }

  /** Sends a fully built RTP packet (DTMF events). */
  sendRaw(pkt: Buffer, len: number): void {
    if (this.#closed || !this.remoteSet) return;
    this.#count(len);
    this.transmit(pkt, len);
  }

  #count(len: number): void {
    this.counters.packetsOut++;
    this.counters.bytesOut += len;
    this.out.packets++;
    this.out.octets += len - 12;
    this.out.lastRtpTs = this.out.ts;
  }

  /** Key of an incoming stream for the outgoing mapping: salted per leg so a transfer restarts it. */
  sourceKey(ssrc: number): number {
    return (ssrc ^ this.#salt) >>> 0;
  }

  /** Local teardown: no more packets in or out. Subclasses close their transport. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sink = null;
    this.inputTaps.clear();
    this.outputTaps.clear();
    this.onTelephoneEvent = null;
  }
}
