/**
 * Control-plane proxies of media objects (mediasoup's Producer/Transport pattern): each listens to
 * its own target id on its worker's channel, flips local state only after the worker acks, and
 * has idempotent close paths: close() (tells the worker), and workerDied() (tells nobody, emits
 * the loss so the call layer can tear the call down).
 */
import { TypedEmitter } from '../kernel/events.js';
import type { Channel } from './channel/channel.js';
import type {
  BridgeMode,
  ConferenceRole,
  EndpointKind,
  EndpointLostReason,
  EndpointStats,
  MediaCodecName,
  MediaEventMap,
  RecordStoppedBody,
  RtpRemote,
} from './media-types.js';

export type MediaEventArgs = { [N in keyof MediaEventMap]: [MediaEventMap[N]] } & { '@close': [] };

abstract class MediaObject extends TypedEmitter<MediaEventArgs> {
  readonly id: string;
  readonly workerId: number;
  protected readonly channel: Channel;
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(id: string, workerId: number, channel: Channel) {
    super();
    this.id = id;
    this.workerId = workerId;
    this.channel = channel;
    this.#unsubscribe = channel.subscribe(id, (ev) => {
      (this.safeEmit as (n: string, b: unknown) => boolean)(ev.name, ev.body);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Local teardown shared by every close path; returns false if already closed. */
  protected markClosed(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#unsubscribe();
    this.safeEmit('@close');
    return true;
  }
}

export class MediaEndpoint extends MediaObject {
  readonly kind: EndpointKind;
  /** Address and ports to put in SDP. */
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly ssrc: number;
  /** Codec set by the last setRemote (WebRTC legs: PCMU until negotiated). */
  codec: MediaCodecName = 'PCMU';

  constructor(
    init: {
      id: string;
      workerId: number;
      kind: EndpointKind;
      address: string;
      rtpPort: number;
      ssrc: number;
    },
    channel: Channel,
  ) {
    super(init.id, init.workerId, channel);
    this.kind = init.kind;
    this.address = init.address;
    this.rtpPort = init.rtpPort;
    this.rtcpPort = init.rtpPort + 1;
    this.ssrc = init.ssrc;
  }

  async setRemote(remote: Omit<RtpRemote, 'kind'>): Promise<void> {
    await this.channel.request('ENDPOINT_SET_REMOTE', this.id, { kind: 'rtp', ...remote });
    this.codec = remote.codec;
  }

  /**
   * Plays WAV files (8/16 kHz) to this leg; resolves once queued. 'play-finished' (with `playId`)
   * tells when they are done, stopped, interrupted by a DTMF digit (if interruptible) or failed.
   */
  async play(
    files: string[],
    opts: { playId?: string; loop?: boolean; interruptible?: boolean } = {},
  ): Promise<string> {
    const playId = opts.playId ?? `play_${Math.random().toString(36).slice(2, 12)}`;
    await this.channel.request('PLAY', this.id, {
      playId,
      files,
      loop: opts.loop ?? false,
      interruptible: opts.interruptible ?? true,
    });
    return playId;
  }

  async stopPlay(): Promise<void> {
    await this.channel.request('PLAY_STOP', this.id, {});
  }

  /** A digit received out of band (SIP INFO): a 'dtmf' event (source 'info') and prompt barge-in. */
  async injectDtmf(digit: string, durationMs = 100): Promise<void> {
    await this.channel.request('DTMF_INJECT', this.id, { digit, durationMs });
  }

  /** Sends RFC 4733 digits to the peer (needs a negotiated telephone-event payload type). */
  async sendDtmf(digits: string, durationMs?: number): Promise<void> {
    await this.channel.request('DTMF_SEND', this.id, { digits, ...(durationMs ? { durationMs } : {}) });
  }

  /** WebRTC legs: applies the browser's SDP offer and resolves with our answer. */
  async acceptOffer(sdp: string): Promise<string> {
    const r = await this.channel.request(
      'ENDPOINT_SET_REMOTE',
      this.id,
      { kind: 'webrtc', sdp },
      { timeoutMs: 10_000 },
    );
    return r.sdp ?? '';
  }

  stats(): Promise<EndpointStats> {
    return this.channel.request('ENDPOINT_STATS', this.id, {});
  }

  async close(): Promise<void> {
    if (!this.markClosed()) return;
    await this.channel.request('ENDPOINT_CLOSE', this.id, {}).catch(() => {});
  }

  /** The worker is gone: no request, just the loss event (idempotent). */
  workerDied(reason: EndpointLostReason, detail: string): void {
    if (this.closed) return;
    this.safeEmit('endpoint-lost', { reason, workerId: this.workerId, detail });
    this.markClosed();
  }
}

export class MediaBridge extends MediaObject {
  readonly mode: BridgeMode;
  readonly a: string;
  readonly b: string;
  /** The second worker's channel when the legs live on two workers. */
  readonly #other: Channel | undefined;

  constructor(
    init: { id: string; workerId: number; mode: BridgeMode; a: string; b: string },
    channel: Channel,
    other?: Channel,
  ) {
    super(init.id, init.workerId, channel);
    this.mode = init.mode;
    this.a = init.a;
    this.b = init.b;
    this.#other = other;
  }

  get crossWorker(): boolean {
    return this.#other !== undefined;
  }

  async close(): Promise<void> {
    if (!this.markClosed()) return;
    await Promise.all(
      [this.channel, this.#other].map((c) => c?.request('BRIDGE_CLOSE', this.id, {}).catch(() => {})),
    );
  }

  /** Closed on the worker side already (a leg closed, or the worker died). */
  parentClosed(): void {
    this.markClosed();
  }
}

export class MediaConference extends MediaObject {
  readonly #members = new Set<string>();

  constructor(init: { id: string; workerId: number }, channel: Channel) {
    super(init.id, init.workerId, channel);
  }

  /** Adds a leg or changes its role (normal, listen, whisper to `whisperTo`, barge). */
  async add(ep: MediaEndpoint, role: ConferenceRole = 'normal', whisperTo?: MediaEndpoint): Promise<void> {
    await this.channel.request('CONFERENCE_ADD', this.id, {
      endpointId: ep.id,
      role,
      ...(whisperTo ? { whisperTo: whisperTo.id } : {}),
    });
    this.#members.add(ep.id);
  }

  async remove(ep: MediaEndpoint): Promise<void> {
    await this.channel.request('CONFERENCE_REMOVE', this.id, { endpointId: ep.id });
    this.#members.delete(ep.id);
  }

  get members(): string[] {
    return [...this.#members];
  }

  async close(): Promise<void> {
    if (!this.markClosed()) return;
    await this.channel.request('CONFERENCE_CLOSE', this.id, {}).catch(() => {});
  }

  parentClosed(): void {
    this.markClosed();
  }
}

export class MediaRecording extends MediaObject {
  readonly path: string;
  readonly endpointId: string;
  #result: RecordStoppedBody | null = null;

  constructor(init: { id: string; workerId: number; path: string; endpointId: string }, channel: Channel) {
    super(init.id, init.workerId, channel);
    this.path = init.path;
    this.endpointId = init.endpointId;
    this.on('record-stopped', (b) => {
      this.#result = { path: b.path, durationMs: b.durationMs, bytes: b.bytes };
      this.markClosed();
    });
  }

  async pause(): Promise<void> {
    await this.channel.request('RECORD_PAUSE', this.id, {});
  }

  async resume(): Promise<void> {
    await this.channel.request('RECORD_RESUME', this.id, {});
  }

  /** Stops and resolves with the final duration and size (flushed to disk). */
  async stop(): Promise<RecordStoppedBody> {
    if (this.#result) return this.#result;
    const r = await this.channel.request('RECORD_STOP', this.id, {});
    this.#result = r;
    this.markClosed();
    return r;
  }

  /** The worker died: what reached the disk is reported (the file is playable up to there). */
  workerDied(onDisk: RecordStoppedBody): void {
    if (this.closed) return;
    this.#result = onDisk;
    this.safeEmit('record-stopped', { ...onDisk, reason: 'error' });
    this.markClosed();
  }
}
