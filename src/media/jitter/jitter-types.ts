/** Contract of the adaptive jitter buffer (implementation: jitter-buffer.ts). */
import type { AudioCodec } from '../codecs/codec.js';

/** pop() results. */
export const JB_FRAME = 0; // a real decoded frame
export const JB_CONCEALED = 1; // a lost frame, concealed (previous frame, faded)
export const JB_SILENCE = 2; // nothing to play (not started, underflow, long loss): zeros

export interface JitterBufferOptions {
  codec: AudioCodec;
  /** Lowest playout delay (default 40 ms). */
  minDelayMs?: number;
  /** Highest playout delay; also the capacity (default 200 ms). */
  maxDelayMs?: number;
}

export interface JitterBufferStats {
  pushed: number;
  duplicates: number;
  /** Arrived after their playout time (dropped). */
  late: number;
  /** Arrived out of order but in time. */
  reordered: number;
  /** Dropped because the buffer was full. */
  overflow: number;
  /** Rejected payloads (wrong size, garbage). */
  invalid: number;
  /** Frames never received by their playout time. */
  lost: number;
  concealed: number;
  silence: number;
  /** Restarts on SSRC change or sequence jump. */
  resets: number;
  /** Packets dropped as the first of a sequence jump (a second in a row restarts the stream). */
  jumps: number;
  /** Timestamp discontinuities with contiguous sequence numbers (delay estimator re-anchored). */
  tsJumps: number;
  /** pop() found nothing newer to play (delay spike or end of talkspurt): stalled without advancing. */
  underflows: number;
  /** Frames dropped to bring the delay back down to the target. */
  shrinks: number;
  /** Stalls long enough to go silent (≥ 60 ms: silence suppression, outage) after which playout
   *  waited the target delay again before resuming. */
  rebuffers: number;
  /** RFC 3550 interarrival jitter estimate in ms. */
  jitterMs: number;
  targetDelayMs: number;
  depthFrames: number;
}

export interface JitterBufferLike {
  /** Offers one RTP payload (bytes [offset, offset+len) of buf). false = dropped (counted). */
  push(
    seq: number,
    ts: number,
    ssrc: number,
    buf: Uint8Array,
    offset: number,
    len: number,
    arrivalMs: number,
  ): boolean;
  /** Fills `out` (FRAME_SAMPLES) for one 20 ms tick; returns JB_FRAME, JB_CONCEALED or JB_SILENCE. */
  pop(out: Int16Array): number;
  readonly stats: JitterBufferStats;
  reset(): void;
}
