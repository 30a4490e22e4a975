/**
 * One half of a bridge whose legs live on two workers. Each half owns its local leg: accepted
 * packets are copied into a message on a MessagePort shared with the other worker (transferred by
 * the control plane), and packets arriving from the other half are relayed out of the local leg
 * exactly as a local bridge would (re-stamped, PT-mapped, transcoded). Costs a copy and a message
 * per packet, so the plane uses it only when the legs could not be created `near` each other.
 * If the other worker dies, its port closes and this half detaches.
 */
import type { MessagePort } from 'node:worker_threads';
import type { MediaLeg, PacketSink } from '../endpoint/media-leg.js';
import type { BridgeMode, MediaCodecName } from '../media-types.js';
import { createRtpHeader, readRtpHeader } from '../rtp/rtp-packet.js';

interface WirePacket {
  /** The packet bytes (an ArrayBuffer, transferred). */
  p: ArrayBuffer;
  /** Source leg's codec, telephone-event PT and stream key. */
  c: MediaCodecName;
  t: number;
  k: number;
}

export class RemoteBridgeHalf {
  readonly id: string;
  readonly leg: MediaLeg;
  readonly #port: MessagePort;
  readonly #sink: PacketSink;
  readonly #h = createRtpHeader();
  #key = 0;
  /** The remote source of the packet being relayed (updated per packet, no allocation). */
  readonly #from: { codec: MediaCodecName; telephoneEventPt: number; sourceKey(ssrc: number): number } = {
    codec: 'PCMU',
    telephoneEventPt: -1,
    sourceKey: () => this.#key,
  };
  readonly #now: () => number;
  readonly #remoteCodec: MediaCodecName;
  #closed = false;
  dropped = 0;

  constructor(
    id: string,
    leg: MediaLeg,
    port: MessagePort,
    remoteCodec: MediaCodecName,
    now: () => number,
    onClose: () => void,
  ) {
    this.id = id;
    this.#now = now;
    this.leg = leg;
    this.#port = port;
    this.#remoteCodec = remoteCodec;
    this.#sink = (from, buf, h) => {
      const len = h.headerLength + h.payloadLength;
      const copy = new Uint8Array(len);
      copy.set(buf.subarray(0, len));
      const msg: WirePacket = {
        p: copy.buffer,
        c: from.codec,
        t: from.telephoneEventPt,
        k: from.sourceKey(h.ssrc),
      };
      port.postMessage(msg, [copy.buffer]);
    };
    leg.sink = this.#sink;
    leg.out.sourceChanged();
    port.on('message', (m: WirePacket) => this.#onPacket(m));
    port.on('close', () => {
      this.close();
      onClose();
    });
  }

  get mode(): BridgeMode {
    return this.leg.codec === this.#remoteCodec ? 'relay' : 'transcode';
  }

  involves(leg: MediaLeg): boolean {
    return leg === this.leg;
  }

  #onPacket(m: WirePacket): void {
    if (this.#closed || !(m?.p instanceof ArrayBuffer)) return;
    const buf = Buffer.from(m.p);
    if (!readRtpHeader(buf, buf.length, this.#h)) {
      this.dropped++;
      return;
    }
    this.#from.codec = m.c;
    this.#from.telephoneEventPt = m.t;
    this.#key = m.k;
    this.leg.relay(this.#from, buf, this.#h, this.#now());
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.leg.sink === this.#sink) this.leg.sink = null;
    this.#port.close();
  }
}
