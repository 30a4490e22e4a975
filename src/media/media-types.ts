/**
 * The media channel contract: every request the control plane can send to a media worker, its
 * reply, and every event a worker can raise. The wire shapes follow mediasoup's Channel:
 *   request  {id, method, target, body}
 *   reply    {id, ok: true, body} | {id, ok: false, error: {code, message}}
 *   event    {target, name, body}
 * `target` is the id of the object the message concerns (endpoint, bridge, recording, worker).
 * Everything here is structured-clone safe so a worker can later be a process on another host.
 */

import type { MessagePort } from 'node:worker_threads';

export type EndpointKind = 'rtp' | 'webrtc';
export type MediaCodecName = 'PCMU' | 'PCMA';
export type ConferenceRole = 'normal' | 'listen' | 'whisper' | 'barge';
/** relay: same codec, packets re-stamped only; transcode: G.711 µ↔A per byte, still per packet. */
export type BridgeMode = 'relay' | 'transcode';

export interface RtpRemote {
  kind: 'rtp';
  address: string;
  port: number;
  codec: MediaCodecName;
  /** Negotiated RFC 4733 telephone-event payload type (absent: none negotiated). */
  telephoneEventPt?: number;
  /** Detect in-band DTMF tones (default: on when no telephone-event was negotiated). */
  inbandDtmf?: boolean;
}

export interface WebRtcRemote {
  kind: 'webrtc';
  /** The browser's SDP offer. */
  sdp: string;
}

export interface EndpointCounters {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Not RTP v2, truncated, or bad CSRC/extension length. */
  droppedMalformed: number;
  droppedOversized: number;
  /** From a source other than the latched one (or before the remote was set). */
  droppedWrongSource: number;
  droppedWrongSsrc: number;
  /** Payload type neither the codec nor telephone-event. */
  droppedWrongPt: number;
  rtcpIn: number;
  rtcpOut: number;
  /**
   * Latches after which the RTP socket stayed unconnected: connecting would have moved its local
   * address off the announced one (see rtp-endpoint.ts).
   */
  connectDeclined: number;
}

export interface LegQuality {
  packetsReceived: number;
  packetsLost: number;
  /** Fraction lost (0..1) over the whole stream so far. */
  lossFraction: number;
  /** Interarrival jitter (RFC 3550 A.8) in milliseconds. */
  jitterMs: number;
  /** What the far end reported about our stream in its last RTCP RR (absent: none yet). */
  remote?: { fractionLost: number; cumulativeLost: number; jitterMs: number; rttMs?: number };
}

export interface EndpointStats {
  counters: EndpointCounters;
  quality: LegQuality;
  latched: { address: string; port: number } | null;
  ssrcIn: number | null;
  ssrcOut: number;
}

/** method → request body and reply body. */
export interface MediaRequestMap {
  WORKER_DUMP: {
    body: Record<string, never>;
    reply: { endpoints: string[]; bridges: string[]; conferences: string[]; recordings: string[] };
  };
  /** Closes every object of the worker (recordings flushed); the owner then terminates it. */
  WORKER_SHUTDOWN: { body: Record<string, never>; reply: Record<string, never> };
  /** Debug only: makes the worker exit with `code` (tests kill workers with it). */
  WORKER_DEBUG_EXIT: { body: { code: number }; reply: Record<string, never> };
  ENDPOINT_CREATE: {
    body: {
      kind: EndpointKind;
      bindAddress: string;
      rtpPort: number;
      noRtpTimeoutMs?: number;
      /** The address our SDP / ICE candidates announce (publicAddress): where peers send. */
      announcedAddress?: string;
    };
    reply: { rtpPort: number; rtcpPort: number; ssrc: number };
  };
  ENDPOINT_SET_REMOTE: { body: RtpRemote | WebRtcRemote; reply: { sdp?: string } };
  ENDPOINT_CLOSE: { body: Record<string, never>; reply: Record<string, never> };
  ENDPOINT_STATS: { body: Record<string, never>; reply: EndpointStats };
  /**
   * Both legs on this worker, or (with `peer`) one half of a bridge across two workers: this worker
   * holds leg `peer.side` and exchanges packets with the other half over `peer.port` (worker
   * threads only: a MessagePort is transferred, not cloned).
   */
  BRIDGE_CREATE: {
    body: { a: string; b: string; peer?: { side: 'a' | 'b'; port: MessagePort; codec: MediaCodecName } };
    reply: { mode: BridgeMode };
  };
  BRIDGE_CLOSE: { body: Record<string, never>; reply: Record<string, never> };
  CONFERENCE_CREATE: { body: Record<string, never>; reply: Record<string, never> };
  /** Adds a member or changes its role; a whisperer talks only to `whisperTo` (a member). */
  CONFERENCE_ADD: {
    body: { endpointId: string; role: ConferenceRole; whisperTo?: string };
    reply: Record<string, never>;
  };
  CONFERENCE_REMOVE: { body: { endpointId: string }; reply: Record<string, never> };
  CONFERENCE_CLOSE: { body: Record<string, never>; reply: Record<string, never> };
  /** target: endpoint. Plays the files in order (WAV), optionally looping; DTMF interrupts if asked. */
  PLAY: {
    body: { playId: string; files: string[]; loop: boolean; interruptible: boolean };
    reply: Record<string, never>;
  };
  PLAY_STOP: { body: { playId?: string }; reply: Record<string, never> };
  /**
   * target: the recording id. Records one leg: channel 0 is what the leg sends (caller), channel 1
   * what the leg is sent (agent side). `mono` mixes both into one channel.
   */
  RECORD_START: {
    body: { endpointId: string; path: string; channels: 1 | 2 };
    reply: Record<string, never>;
  };
  RECORD_PAUSE: { body: Record<string, never>; reply: Record<string, never> };
  RECORD_RESUME: { body: Record<string, never>; reply: Record<string, never> };
  RECORD_STOP: { body: Record<string, never>; reply: RecordStoppedBody };
  /**
   * target: endpoint. A digit the control plane received out of band (SIP INFO): raised as a
   * 'dtmf' event of the endpoint (source 'info') and interrupts its interruptible prompts.
   */
  DTMF_INJECT: { body: { digit: string; durationMs: number }; reply: Record<string, never> };
  /** target: endpoint. RFC 4733 events to the peer. */
  DTMF_SEND: { body: { digits: string; durationMs?: number }; reply: Record<string, never> };
}

export type MediaMethod = keyof MediaRequestMap;
export type MediaRequestBody<M extends MediaMethod> = MediaRequestMap[M]['body'];
export type MediaReplyBody<M extends MediaMethod> = MediaRequestMap[M]['reply'];

/** The request union (narrow on `method`). */
export type MediaRequest = {
  [M in MediaMethod]: { id: number; method: M; target: string; body: MediaRequestMap[M]['body'] };
}[MediaMethod];

export interface ChannelErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type MediaReply =
  | { id: number; ok: true; body: unknown }
  | { id: number; ok: false; error: ChannelErrorBody };

export interface RecordStoppedBody {
  path: string;
  durationMs: number;
  bytes: number;
}

export type EndpointLostReason = 'worker-died' | 'socket-error' | 'webrtc-failed';

/** event name → body. */
export interface MediaEventMap {
  dtmf: { digit: string; durationMs: number; source: 'rfc4733' | 'inband' | 'info' };
  'play-finished': { playId: string; reason: 'done' | 'stopped' | 'interrupted' | 'error'; error?: string };
  'record-progress': RecordStoppedBody;
  'record-stopped': RecordStoppedBody & { reason: 'requested' | 'endpoint-closed' | 'error' };
  'rtcp-stats': LegQuality;
  /** No RTP received for `silentMs` (the call layer usually hangs up). */
  'endpoint-timeout': { silentMs: number };
  /** The endpoint is gone without being asked (worker died, socket failed). Tear the call down. */
  'endpoint-lost': { reason: EndpointLostReason; workerId: number; detail?: string };
  /** Endpoint latched to a source (symmetric RTP). */
  'endpoint-latched': { address: string; port: number; ssrc: number };
}

export type MediaEventName = keyof MediaEventMap;

export type MediaEvent = {
  [N in MediaEventName]: { target: string; name: N; body: MediaEventMap[N] };
}[MediaEventName];

/** Anything that travels worker → control plane. */
export type WorkerMessage = MediaReply | MediaEvent | { ready: true; workerId: number };

export function isReply(m: unknown): m is MediaReply {
  return typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'number' && 'ok' in m;
}

export function isEvent(m: unknown): m is MediaEvent {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as { target?: unknown }).target === 'string' &&
    typeof (m as { name?: unknown }).name === 'string'
  );
}
