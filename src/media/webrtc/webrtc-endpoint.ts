/**
 * A WebRTC leg (browser agent) with werift 0.24.4: ICE-lite (the browser is the controlling
 * agent and sends the checks), DTLS-SRTP, PCMU/PCMA. Packets decrypted by werift are written into
 * one receive buffer and enter the shared leg path (taps, bridge), so a browser leg bridges,
 * records and transcodes like a plain RTP leg.
 *
 * Loopback deployments (tests) answer only STUN checks from 127.0.0.1 and offer only loopback
 * candidates: werift's iceInterfaceAddresses alone still lets other host candidates through.
 * The ICE port comes from our allocator's pair (icePortRange [port, port + 1]).
 */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { SwbError } from '../../kernel/errors.js';
import { type EndpointEmit, MAX_RTP_PACKET, MediaLeg, PT_OF } from '../endpoint/media-leg.js';
import type { EndpointStats, MediaCodecName } from '../media-types.js';
import { writeRtpHeader } from '../rtp/rtp-packet.js';
import { filterCandidates, isLoopback } from './candidates.js';

export interface WebRtcEndpointOptions {
  id: string;
  now: () => number;
  emit: EndpointEmit;
  workerId: number;
  bindAddress: string;
  /** Address put in our candidates when it differs from the bound one (1:1 NAT). */
  announcedAddress?: string;
  /** Even port of the pair reserved for this leg. */
  port: number;
  noRtpTimeoutMs?: number;
  /** Codec order we prefer (default PCMU, PCMA). */
  codecs?: MediaCodecName[];
}

const ANSWER_TIMEOUT_MS = 5000;

export class WebRtcEndpoint extends MediaLeg {
  readonly #opts: WebRtcEndpointOptions;
  readonly #pc: RTCPeerConnection;
  readonly #rx = Buffer.alloc(MAX_RTP_PACKET);
  #state = 'new';
  #lastRtpMs = 0;
  #timedOut = false;
  #ssrcIn = -1;
  /** Sends werift refused (not connected yet, SRTP errors). */
  sendErrors = 0;

  constructor(opts: WebRtcEndpointOptions) {
    super(opts.id, opts.emit);
    this.#opts = opts;
    const loopback = isLoopback(opts.bindAddress);
    const codecs = (opts.codecs ?? ['PCMU', 'PCMA']).map(
      (name) =>
        new RTCRtpCodecParameters({
          mimeType: `audio/${name}`,
          clockRate: 8000,
          channels: 1,
          payloadType: PT_OF[name],
        }),
    );
    this.#pc = new RTCPeerConnection({
      iceLite: true,
      codecs: { audio: codecs },
      iceUseIpv6: false,
      icePortRange: [opts.port, opts.port + 1],
      ...(opts.bindAddress === '0.0.0.0'
        ? {}
        : {
            iceAdditionalHostAddresses: [opts.bindAddress],
            iceInterfaceAddresses: { udp4: opts.bindAddress },
          }),
      ...(loopback
        ? { iceFilterStunResponse: (_m: unknown, addr: readonly [string, number]) => isLoopback(addr[0]) }
        : {}),
    });
    this.#pc.connectionStateChange.subscribe((state) => {
      this.#state = state;
      if (state === 'failed' && !this.closed) {
        this.emit('endpoint-lost', {
          reason: 'webrtc-failed',
          workerId: opts.workerId,
          detail: 'ICE/DTLS failed',
        });
      }
    });
    this.#pc.onTransceiverAdded.subscribe((t) => {
      t.onTrack.subscribe((track) => {
        track.onReceiveRtp.subscribe((rtp) => {
          const payload = rtp.payload;
          const len = 12 + payload.length;
          if (len > MAX_RTP_PACKET) {
            this.counters.droppedOversized++;
            return;
          }
          const h = rtp.header;
          writeRtpHeader(this.#rx, {
            marker: h.marker,
            payloadType: h.payloadType,
            sequence: h.sequenceNumber,
            timestamp: h.timestamp,
            ssrc: h.ssrc,
          });
          payload.copy(this.#rx, 12);
          if (!this.parse(this.#rx, len)) return;
          const now = this.#opts.now();
          this.#lastRtpMs = now;
          this.#timedOut = false;
          this.#ssrcIn = h.ssrc;
          this.accept(this.#rx, len, now);
        });
      });
    });
  }

  get connectionState(): string {
    return this.#state;
  }

  /** Applies the browser's offer and returns our answer (ICE-lite, candidates filtered). */
  async answer(offerSdp: string): Promise<string> {
    const pc = this.#pc;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const transceivers = pc.getTransceivers();
      if (transceivers.length === 0) throw new Error('no audio in the offer');
      for (const t of transceivers) t.setDirection('sendrecv');
      await pc.setLocalDescription(await pc.createAnswer());
      await this.#gathered();
      const t = transceivers[0]!;
      const mime = (t.sender.codec ?? t.codecs[0])?.mimeType.toUpperCase() ?? '';
      if (mime.endsWith('PCMU')) this.codec = 'PCMU';
      else if (mime.endsWith('PCMA')) this.codec = 'PCMA';
      else throw new Error(`no common G.711 codec (${mime || 'none'})`);
    } catch (err) {
      throw new SwbError('SWB_MEDIA_WEBRTC_FAILED', {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    this.telephoneEventPt = -1; // werift rewrites the payload type of everything it sends
    this.remoteSet = true;
    this.#lastRtpMs = this.#opts.now();
    return filterCandidates(pc.localDescription?.sdp ?? '', {
      bindAddress: this.#opts.bindAddress,
      ...(this.#opts.announcedAddress ? { announcedAddress: this.#opts.announcedAddress } : {}),
    });
  }

  #gathered(): Promise<void> {
    if (this.#pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ICE gathering timed out')), ANSWER_TIMEOUT_MS);
      const sub = this.#pc.iceGatheringStateChange.subscribe((s) => {
        if (s !== 'complete') return;
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      });
    });
  }

  protected transmit(pkt: Buffer, len: number): void {
    if (this.#state !== 'connected') return;
    const sender = this.#pc.getTransceivers()[0]?.sender;
    if (!sender) return;
    // werift keeps the packet for retransmission and encrypts asynchronously: give it a copy
    sender.sendRtp(Buffer.from(pkt.subarray(0, len))).catch(() => {
      this.sendErrors++;
    });
  }

  tick(nowMs: number): void {
    if (this.closed || !this.remoteSet) return;
    const timeout = this.#opts.noRtpTimeoutMs ?? 0;
    if (timeout > 0 && !this.#timedOut && nowMs - this.#lastRtpMs >= timeout) {
      this.#timedOut = true;
      this.emit('endpoint-timeout', { silentMs: Math.round(nowMs - this.#lastRtpMs) });
    }
  }

  stats(): EndpointStats {
    const r = this.recv;
    const expected = r.expected;
    return {
      counters: { ...this.counters },
      quality: {
        packetsReceived: r.received,
        packetsLost: r.lost,
        lossFraction: expected > 0 ? r.lost / expected : 0,
        jitterMs: Math.round(r.jitterMs * 100) / 100,
      },
      latched: null,
      ssrcIn: this.#ssrcIn >= 0 ? this.#ssrcIn : null,
      ssrcOut: this.out.ssrc,
    };
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    void this.#pc.close().catch(() => {});
  }
}
