/**
 * The media port of the SIP B2BUA, backed by the media plane: every leg gets an RTP endpoint;
 * when the call layer pairs two legs (a Bridge), their endpoints are bridged in the plane and,
 * when recording is on, the caller's leg is recorded in two channels (what the caller says /
 * what the caller hears). The control plane decides here; it never touches RTP itself.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../kernel/logger.js';
import type { MediaPlane } from '../media/plane.js';
import type { MediaBridge, MediaEndpoint, MediaRecording } from '../media/plane-objects.js';
import type { MediaPort } from '../sip/b2bua/types.js';
import { parseSdp, remoteAudio } from '../sip/sdp/index.js';

/** An offer from a WebRTC peer (a browser): DTLS-SRTP profile or a DTLS fingerprint. */
export function isWebRtcSdp(sdp: string): boolean {
  return /\bUDP\/TLS\/RTP\/SAVPF?\b/.test(sdp) || /^a=fingerprint:/m.test(sdp);
}

export interface PlaneMediaPortOptions {
  plane: MediaPlane;
  logger: Logger;
  /** Folder for per-leg recordings; undefined = do not record. */
  recordingsDir?: string | undefined;
  /** Date for recording file names (injected for tests). */
  now?: () => number;
}

interface LegMedia {
  endpoint: Promise<MediaEndpoint>;
  /** WebRTC legs: the offer answered and our answer (a 183 and the 200 reuse it). */
  answered?: { offer: string; sdp: Promise<string> };
  peer?: string;
  /** The leg that owns the recording of the pair (the caller's). */
  records?: boolean;
}

export interface RecordingInfo {
  legId: string;
  path: string;
}

export class PlaneMediaPort implements MediaPort {
  readonly #o: PlaneMediaPortOptions;
  readonly #legs = new Map<string, LegMedia>();
  readonly #bridges = new Map<string, MediaBridge>();
  readonly #recordings = new Map<string, MediaRecording>();
  /** callee leg id → caller leg id, for pairs whose callee has not allocated yet. */
  readonly #pendingPairs = new Map<string, string>();
  /** Remote SDP that arrived before the leg's endpoint (an inbound INVITE's offer). */
  readonly #earlySdp = new Map<string, string>();
  /** Called when a recording has started (tests and, later, the recording module). */
  onRecording?: (info: RecordingInfo) => void;
  /** Called when a recording is complete on disk, with its duration and size. */
  onRecordingStopped?: (info: RecordingInfo & { durationMs: number; bytes: number }) => void;

  constructor(opts: PlaneMediaPortOptions) {
    this.#o = opts;
  }

  allocate(legId: string): Promise<{ address: string; port: number }> {
    const m = this.#ensure(legId, this.#peerEndpointId(legId));
    return m.endpoint.then((ep) => ({ address: ep.address, port: ep.rtpPort }));
  }

  /** The leg's media, created on first use (near its peer when known); pending work is applied. */
  #ensure(legId: string, near: Promise<MediaEndpoint> | undefined): LegMedia {
    const have = this.#legs.get(legId);
    if (have) return have;
    const early = this.#earlySdp.get(legId);
    const m: LegMedia = {
      endpoint: this.#create(near, early !== undefined && isWebRtcSdp(early) ? 'webrtc' : 'rtp'),
    };
    this.#legs.set(legId, m);
    if (early !== undefined) {
      this.#earlySdp.delete(legId);
      this.remoteDescription(legId, early);
    }
    const a = this.#pendingPairs.get(legId);
    if (a) this.#tryBridge(a, legId);
    return m;
  }

  async #create(near: Promise<MediaEndpoint> | undefined, kind: 'rtp' | 'webrtc'): Promise<MediaEndpoint> {
    // legs that will be bridged share a worker when possible (cheaper than a cross-worker bridge)
    const peer = near ? await near.catch(() => undefined) : undefined;
    return this.#o.plane.createEndpoint({ kind, ...(peer ? { near: peer.id } : {}) });
  }

  /**
   * A browser's offer (ICE + DTLS-SRTP) is answered by the leg's WebRTC endpoint; plain RTP
   * offers are left to the leg (undefined).
   */
  async answer(legId: string, offer: string): Promise<string | undefined> {
    if (!isWebRtcSdp(offer)) return undefined;
    if (!this.#legs.has(legId)) this.#earlySdp.set(legId, offer); // makes #ensure pick 'webrtc'
    const m = this.#ensure(legId, this.#peerEndpointId(legId));
    if (m.answered?.offer === offer) return (await m.answered.sdp) || undefined;
    // set before any await so that concurrent callers share one acceptOffer
    const sdp = m.endpoint.then((ep) => (ep.kind === 'webrtc' ? ep.acceptOffer(offer) : ''));
    m.answered = { offer, sdp };
    return (await sdp) || undefined;
  }

  #peerEndpointId(legId: string): Promise<MediaEndpoint> | undefined {
    const a = this.#pendingPairs.get(legId);
    return a ? this.#legs.get(a)?.endpoint : undefined;
  }

  remoteDescription(legId: string, sdp: string): void {
    const m = this.#legs.get(legId);
    if (!m) {
      this.#earlySdp.set(legId, sdp); // applied when the leg allocates
      return;
    }
    if (isWebRtcSdp(sdp)) return; // answer() applies it to the WebRTC endpoint
    let audio: ReturnType<typeof remoteAudio>;
    try {
      audio = remoteAudio(parseSdp(sdp));
    } catch (err) {
      this.#o.logger.info({ legId, err }, 'unusable remote SDP');
      return;
    }
    if (!audio) return;
    const codec = audio.codec.name.toUpperCase();
    if (codec !== 'PCMU' && codec !== 'PCMA') return;
    void m.endpoint
      .then((ep) =>
        ep.setRemote({
          address: audio.remoteAddress,
          port: audio.remotePort,
          codec,
          ...(audio.telephoneEventPt !== undefined ? { telephoneEventPt: audio.telephoneEventPt } : {}),
        }),
      )
      .catch((err: unknown) => this.#o.logger.warn({ legId, err }, 'media set-remote failed'));
  }

  /** Joins the media of two legs (a = the caller's leg, recorded when recording is on). */
  pair(a: string, b: string): void {
    const ma = this.#ensure(a, this.#legs.get(b)?.endpoint);
    ma.peer = b;
    ma.records = true;
    if (this.#legs.has(b)) this.#tryBridge(a, b);
    else this.#pendingPairs.set(b, a); // bridged when the callee's leg allocates
  }

  #tryBridge(a: string, b: string): void {
    this.#pendingPairs.delete(b);
    const ma = this.#legs.get(a);
    const mb = this.#legs.get(b);
    if (!ma || !mb) return;
    mb.peer = a;
    void this.#bridge(a, ma, mb);
  }

  async #bridge(a: string, ma: LegMedia, mb: LegMedia): Promise<void> {
    try {
      const [ea, eb] = await Promise.all([ma.endpoint, mb.endpoint]);
      if (this.#legs.get(a) !== ma || !ma.peer || this.#legs.get(ma.peer) !== mb) return; // released meanwhile
      const bridge = await this.#o.plane.bridge(ea, eb);
      this.#bridges.set(a, bridge);
      if (this.#o.recordingsDir && ma.records) {
        const day = new Date((this.#o.now ?? Date.now)()).toISOString().slice(0, 10);
        mkdirSync(join(this.#o.recordingsDir, day), { recursive: true });
        const rec = await this.#o.plane.record(ea, {
          path: join(this.#o.recordingsDir, day, `${a}.wav`),
          channels: 2,
        });
        this.#recordings.set(a, rec);
        this.onRecording?.({ legId: a, path: rec.path });
      }
    } catch (err) {
      this.#o.logger.warn({ a, err }, 'media bridge failed');
    }
  }

  release(legId: string): void {
    this.#earlySdp.delete(legId);
    const m = this.#legs.get(legId);
    if (!m) return;
    this.#legs.delete(legId);
    for (const [b, a] of this.#pendingPairs) if (a === legId || b === legId) this.#pendingPairs.delete(b);
    const rec = this.#recordings.get(legId);
    this.#recordings.delete(legId);
    this.#bridges.delete(legId);
    void (async () => {
      try {
        if (rec) {
          const r = await rec.stop();
          this.onRecordingStopped?.({ legId, path: r.path, durationMs: r.durationMs, bytes: r.bytes });
        }
      } catch (err) {
        this.#o.logger.warn({ legId, err }, 'recording stop failed');
      }
      try {
        await (await m.endpoint).close();
      } catch {
        // already gone (worker died or the endpoint never opened)
      }
    })();
  }

  /** Open legs (for tests and metrics). */
  get size(): number {
    return this.#legs.size;
  }
}
