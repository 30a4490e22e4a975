/**
 * Plays prompts and music on hold to one leg, with the shared Player frame source: on each worker
 * tick one frame is read, encoded in the leg's codec and sent on the leg's outgoing stream (same
 * SSRC, continuous numbering). While anything is queued, audio relayed from a bridged leg towards
 * this leg is held back (the caller hears the prompt, not the agent); it resumes when the queue
 * empties. A DTMF digit from the leg interrupts prompts that allow barge-in.
 */
import { FRAME_SAMPLES } from '../audio.js';
import { type AudioCodec, codecByName } from '../codecs/codec.js';
import type { MediaLeg } from '../endpoint/media-leg.js';
import type { MediaCodecName, MediaEventMap } from '../media-types.js';
import { Player } from '../player/player.js';
import type { PromptEndReason } from '../player/player-types.js';

type PlayFinished = MediaEventMap['play-finished'];

interface PlayState {
  remaining: number;
  reason: PromptEndReason;
  error?: string;
}

export class LegPlayer {
  readonly #ep: MediaLeg;
  readonly #player: Player;
  readonly #frame = new Int16Array(FRAME_SAMPLES);
  readonly #encoded = new Uint8Array(FRAME_SAMPLES * 2);
  readonly #plays = new Map<string, PlayState>();
  #codecName: MediaCodecName = 'PCMU';
  #codec: AudioCodec = codecByName('PCMU');

  constructor(ep: MediaLeg, onFinished: (body: PlayFinished) => void) {
    this.#ep = ep;
    this.#player = new Player();
    this.#player.on('prompt-finished', (id, reason) => {
      const playId = id.slice(0, id.lastIndexOf('#'));
      const st = this.#plays.get(playId);
      if (!st) return;
      if (reason !== 'done' && st.reason === 'done') st.reason = reason;
      if (--st.remaining > 0) return;
      this.#plays.delete(playId);
      onFinished({ playId, reason: st.reason });
    });
    this.#player.on('queue-empty', () => {
      this.#ep.relayMuted = false;
    });
  }

  get active(): boolean {
    return this.#player.queueLength > 0;
  }

  /** Queues the files of one PLAY request (WAV 8/16 kHz). */
  play(playId: string, files: string[], loop: boolean, interruptible: boolean): void {
    this.#plays.set(playId, { remaining: files.length, reason: 'done' });
    files.forEach((path, i) => {
      void this.#player.enqueue({
        id: `${playId}#${i}`,
        source: { kind: 'wav-file', path },
        loop: loop && i === files.length - 1,
        bargeIn: interruptible,
      });
    });
    this.#ep.relayMuted = true;
  }

  /** Stops everything queued (each PLAY ends with 'stopped'). */
  stop(): void {
    this.#player.stop();
  }

  dtmf(digit: string): void {
    this.#player.dtmf(digit);
  }

  /** Worker tick: one frame out while something plays. */
  tick(nowMs: number): void {
    if (this.#player.queueLength === 0) return;
    if (!this.#player.read(this.#frame)) return; // still loading
    const ep = this.#ep;
    if (ep.codec !== this.#codecName) {
      this.#codecName = ep.codec;
      this.#codec = codecByName(ep.codec);
    }
    const n = this.#codec.encode(this.#frame, this.#encoded);
    ep.sendPayload(this.#encoded.subarray(0, n), FRAME_SAMPLES, nowMs);
  }

  close(): void {
    this.#player.close();
  }
}
