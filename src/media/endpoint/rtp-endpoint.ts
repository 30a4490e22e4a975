/**
 * A plain RTP endpoint inside a media worker: an RTP/RTCP UDP socket pair, symmetric RTP
 * latching, validation with drop counters, and an outgoing stream with our own SSRC.
 *
 * Packet path (no allocation of ours per packet): Node hands us a Buffer; we parse the header in
 * place, check source/SSRC/PT, update receive stats, give the payload to the input taps
 * (recorder, DTMF) and hand the same Buffer to the sink (a bridge), which re-stamps it in place
 * and sends it out of the other leg.
 */
import dgram from 'node:dgram';
import { SwbError } from '../../kernel/errors.js';
import { ALAW_TO_ULAW, ULAW_TO_ALAW } from '../codecs/g711.js';
import type {
  EndpointCounters,
  EndpointStats,
  MediaCodecName,
  MediaEventMap,
  RtpRemote,
} from '../media-types.js';
import { createRtpHeader, type RtpHeader, readRtpHeader, writeRtpHeader } from '../rtp/rtp-packet.js';
import { OutStream } from './out-stream.js';
import { ReceiverStats } from './receiver-stats.js';
import { RtcpSession } from './rtcp-session.js';

/** Largest RTP datagram accepted (Ethernet MTU); anything bigger is dropped as oversized. */
export const MAX_RTP_PACKET = 1500;
/** A new SSRC from the latched source is accepted once the current one has been quiet this long. */
export const SSRC_SWITCH_MS = 100;

export type EndpointEmit = <N extends keyof MediaEventMap>(name: N, body: MediaEventMap[N]) => void;

/** Receives every accepted RTP packet of an endpoint (the bridge forwarding it to the other leg). */
export type PacketSink = (from: RtpEndpoint, buf: Buffer, h: RtpHeader, nowMs: number) => void;
/** Sees the audio payload of accepted packets (recorder, DTMF detector). Must copy what it keeps. */
export type PayloadTap = (payload: Uint8Array, h: RtpHeader, codec: MediaCodecName, nowMs: number) => void;

export interface RtpEndpointOptions {
  id: string;
  now: () => number;
  emit: EndpointEmit;
  noRtpTimeoutMs?: number;
  rtcpIntervalMs?: number;
}

const PT_OF: Record<MediaCodecName, number> = { PCMU: 0, PCMA: 8 };

export class RtpEndpoint {
  readonly id: string;
  readonly out: OutStream;
  readonly recv = new ReceiverStats();
  readonly counters: EndpointCounters = {
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
  };
  sink: PacketSink | null = null;
  readonly inputTaps = new Set<PayloadTap>();
  readonly outputTaps = new Set<PayloadTap>();
  /** When set (a player owns the leg), relayed packets towards this endpoint are dropped. */
  relayMuted = false;
  /** Set while RFC 4733 digits go out: relayed audio pauses (one stream, no seq clashes). */
  sendingDtmf = false;
  codec: MediaCodecName = 'PCMU';
  telephoneEventPt = -1;
  rtpPort = 0;

  readonly #opts: RtpEndpointOptions;
  readonly #h: RtpHeader = createRtpHeader();
  readonly #scratch = Buffer.alloc(MAX_RTP_PACKET);
  #rtp: dgram.Socket | null = null;
  #rtcp: dgram.Socket | null = null;
  #remoteSet = false;
  #sdpAddress = '';
  #sdpPort = 0;
  #latchedAddress = '';
  #latchedPort = 0;
  #connected = false;
  #ssrcIn = -1;
  #lastRtpMs = 0;
  #timedOut = false;
  #closed = false;
  readonly rtcp: RtcpSession;

  constructor(opts: RtpEndpointOptions) {
    this.#opts = opts;
    this.id = opts.id;
    const rnd = new Uint32Array(3);
    crypto.getRandomValues(rnd);
    this.out = new OutStream(rnd[0]!, rnd[1]! & 0xffff, rnd[2]!);
    this.rtcp = new RtcpSession(this, opts.rtcpIntervalMs ?? 5000);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Binds RTP on `rtpPort` and RTCP on `rtpPort + 1`; throws SWB_MEDIA_PORT_IN_USE if either fails. */
  async open(bindAddress: string, rtpPort: number): Promise<void> {
    const rtp = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 18 } as dgram.SocketOptions);
    const rtcp = dgram.createSocket('udp4');
    try {
      await bind(rtp, rtpPort, bindAddress);
      await bind(rtcp, rtpPort + 1, bindAddress);
    } catch (err) {
      rtp.close();
      rtcp.close();
      throw new SwbError('SWB_MEDIA_PORT_IN_USE', { port: rtpPort }, { cause: err });
    }
    this.#rtp = rtp;
    this.#rtcp = rtcp;
    this.rtpPort = rtpPort;
    rtp.on('message', (buf, rinfo) => this.#onRtp(buf, rinfo));
    rtcp.on('message', (buf, rinfo) => this.#onRtcp(buf, rinfo));
    // ICMP errors on connected sockets surface as 'error' events: count, never crash
    rtp.on('error', () => {});
    rtcp.on('error', () => {});
  }

  /** (Re)sets the far end from SDP. Unlatches: the next valid packet from anywhere latches again. */
  setRemote(r: RtpRemote): void {
    this.codec = r.codec;
    this.telephoneEventPt = r.telephoneEventPt ?? -1;
    this.#sdpAddress = r.address;
    this.#sdpPort = r.port;
    this.#latchedAddress = '';
    this.#latchedPort = 0;
    this.#ssrcIn = -1;
    if (this.#connected) {
      this.#connected = false;
      try {
        this.#rtp?.disconnect();
      } catch {
        // not connected after all
      }
    }
    this.#remoteSet = true;
    this.#timedOut = false;
    this.#lastRtpMs = this.#opts.now();
    this.recv.reset();
    this.out.sourceChanged();
  }

  get latched(): { address: string; port: number } | null {
    return this.#latchedAddress ? { address: this.#latchedAddress, port: this.#latchedPort } : null;
  }

  /** Where RTCP goes: latched source port + 1, else SDP port + 1. */
  get rtcpDestination(): { address: string; port: number } | null {
    if (!this.#remoteSet) return null;
    return this.#latchedAddress
      ? { address: this.#latchedAddress, port: this.#latchedPort + 1 }
      : { address: this.#sdpAddress, port: this.#sdpPort + 1 };
  }

  #onRtp(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const len = buf.length;
    if (len > MAX_RTP_PACKET) {
      this.counters.droppedOversized++;
      return;
    }
    const h = this.#h;
    if (!readRtpHeader(buf, len, h)) {
      this.counters.droppedMalformed++;
      return;
    }
    if (!this.#remoteSet) {
      this.counters.droppedWrongSource++;
      return;
    }
    const pt = h.payloadType;
    const isAudio = pt === PT_OF[this.codec];
    if (!isAudio && pt !== this.telephoneEventPt) {
      this.counters.droppedWrongPt++;
      return;
    }
    if (this.#latchedPort === 0) {
      this.#latch(rinfo.address, rinfo.port, h.ssrc);
    } else if (rinfo.port !== this.#latchedPort || rinfo.address !== this.#latchedAddress) {
      this.counters.droppedWrongSource++;
      return;
    } else if (h.ssrc !== this.#ssrcIn) {
      // a second stream interleaved with the current one is dropped; a peer that switched
      // streams (new SSRC after the old one went quiet) is followed
      if (this.#opts.now() - this.#lastRtpMs < SSRC_SWITCH_MS) {
        this.counters.droppedWrongSsrc++;
        return;
      }
      this.#ssrcIn = h.ssrc;
      this.recv.reset();
    }
    const now = this.#opts.now();
    this.counters.packetsIn++;
    this.counters.bytesIn += len;
    this.#lastRtpMs = now;
    if (this.#timedOut) this.#timedOut = false;
    if (isAudio) {
      this.recv.update(h.sequence, h.timestamp, now);
      if (this.inputTaps.size > 0) {
        const payload = buf.subarray(h.headerLength, h.headerLength + h.payloadLength);
        for (const tap of this.inputTaps) tap(payload, h, this.codec, now);
      }
    } else if (this.inputTaps.size > 0) {
      const payload = buf.subarray(h.headerLength, h.headerLength + h.payloadLength);
      for (const tap of this.inputTaps) tap(payload, h, this.codec, now);
    }
    this.sink?.(this, buf, h, now);
  }

  #latch(address: string, port: number, ssrc: number): void {
    this.#latchedAddress = address;
    this.#latchedPort = port;
    this.#ssrcIn = ssrc;
    const sock = this.#rtp;
    if (sock) {
      sock.connect(port, address, (err?: Error) => {
        if (!err && this.#latchedPort === port && this.#latchedAddress === address) this.#connected = true;
      });
    }
    this.#opts.emit('endpoint-latched', { address, port, ssrc });
  }

  /**
   * Sends a packet relayed from `from` (its Buffer, header already parsed into `h`): re-stamps
   * SSRC/seq/ts into our stream, maps the payload type, transcodes G.711 if the codecs differ.
   */
  relay(from: RtpEndpoint, buf: Buffer, h: RtpHeader, nowMs: number): void {
    if (this.#closed || !this.#remoteSet || this.relayMuted || this.sendingDtmf) return;
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
      // strip CSRC/extension/padding into our scratch buffer
      buf.copy(this.#scratch, 12, h.headerLength, h.headerLength + h.payloadLength);
      pkt = this.#scratch;
      off = 12;
      len = 12 + h.payloadLength;
    }
    const fresh = this.out.mapRelayed(from.#ssrcKey(h.ssrc), h.sequence, h.timestamp, nowMs);
    writeRtpHeader(pkt, {
      marker: h.marker || fresh,
      payloadType: outPt,
      sequence: this.out.seq,
      timestamp: this.out.ts,
      ssrc: this.out.ssrc,
    });
    if (transcode) {
      for (let i = off; i < len; i++) pkt[i] = transcode[pkt[i]!]!;
    }
    if (this.outputTaps.size > 0 && outPt !== this.telephoneEventPt) {
      const payload = pkt.subarray(off, len);
      for (const tap of this.outputTaps) tap(payload, h, this.codec, nowMs);
    }
    this.#send(pkt, len);
  }

  /** Sends one payload we generated (player, mixer) in our codec: `payload` is already encoded. */
  sendPayload(payload: Uint8Array, samples: number, nowMs: number, marker = false): void {
    if (this.#closed || !this.#remoteSet) return;
    const fresh = this.out.nextGenerated(samples, nowMs);
    const pkt = this.#scratch;
    writeRtpHeader(pkt, {
      marker: marker || fresh,
      payloadType: PT_OF[this.codec],
      sequence: this.out.seq,
      timestamp: this.out.ts,
      ssrc: this.out.ssrc,
    });
    pkt.set(payload, 12);
    if (this.outputTaps.size > 0) {
      for (const tap of this.outputTaps) tap(payload, this.#h, this.codec, nowMs);
    }
    this.#send(pkt, 12 + payload.length);
  }

  /** Sends a fully built RTP packet with our own PT choice (DTMF events). */
  sendRaw(pkt: Buffer, len: number): void {
    if (this.#closed || !this.#remoteSet) return;
    this.#send(pkt, len);
  }

  #send(pkt: Buffer, len: number): void {
    const sock = this.#rtp;
    if (!sock) return;
    this.counters.packetsOut++;
    this.counters.bytesOut += len;
    this.out.packets++;
    this.out.octets += len - 12;
    this.out.lastRtpTs = this.out.ts;
    if (this.#connected) sock.send(pkt, 0, len);
    else if (this.#latchedPort !== 0) sock.send(pkt, 0, len, this.#latchedPort, this.#latchedAddress);
    else sock.send(pkt, 0, len, this.#sdpPort, this.#sdpAddress);
  }

  /** Source key for the outgoing mapping: the SSRC, salted per endpoint so a transfer restarts it. */
  #ssrcKey(ssrc: number): number {
    return (ssrc ^ this.rtpPort) >>> 0;
  }

  #onRtcp(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.#remoteSet || buf.length > MAX_RTP_PACKET) return;
    if (this.#latchedPort !== 0 && rinfo.address !== this.#latchedAddress) return;
    if (this.rtcp.receive(buf, this.#opts.now())) this.counters.rtcpIn++;
    else this.counters.droppedMalformed++;
  }

  sendRtcp(pkt: Uint8Array, len: number): void {
    const dst = this.rtcpDestination;
    if (!dst || !this.#rtcp) return;
    this.counters.rtcpOut++;
    this.#rtcp.send(pkt, 0, len, dst.port, dst.address);
  }

  /** Called on the worker's tick: no-RTP timeout and RTCP reports. */
  tick(nowMs: number): void {
    if (this.#closed || !this.#remoteSet) return;
    const timeout = this.#opts.noRtpTimeoutMs ?? 0;
    if (timeout > 0 && !this.#timedOut && nowMs - this.#lastRtpMs >= timeout) {
      this.#timedOut = true;
      this.#opts.emit('endpoint-timeout', { silentMs: Math.round(nowMs - this.#lastRtpMs) });
    }
    this.rtcp.tick(nowMs);
  }

  stats(): EndpointStats {
    return {
      counters: { ...this.counters },
      quality: this.rtcp.quality(),
      latched: this.latched,
      ssrcIn: this.#ssrcIn >= 0 ? this.#ssrcIn : null,
      ssrcOut: this.out.ssrc,
    };
  }

  emit: EndpointEmit = (name, body) => this.#opts.emit(name, body);

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sink = null;
    this.inputTaps.clear();
    this.outputTaps.clear();
    this.#rtp?.close();
    this.#rtcp?.close();
    this.#rtp = null;
    this.#rtcp = null;
  }
}

function bind(sock: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    sock.once('error', onError);
    sock.bind({ port, address, exclusive: true }, () => {
      sock.off('error', onError);
      resolve();
    });
  });
}
