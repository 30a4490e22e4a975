/**
 * Recording of one leg with the shared Recorder core: channel 0 (left) = what the leg sends us
 * (caller), channel 1 (right) = what we send the leg (the other side: agent, prompts). The caller
 * side goes through an adaptive jitter buffer (reordering, loss concealment); our own outgoing
 * stream is in order and only needs a small FIFO. The worker's 20 ms tick pulls one frame per side
 * into the Recorder; the file is written by an AsyncFileSink (ordered, off the packet path, header
 * patched every second so a crash loses at most the last second). Pause writes silence, keeping
 * the call's timeline.
 */
import { FRAME_SAMPLES } from '../audio.js';
import { type AudioCodec, codecByName } from '../codecs/codec.js';
import type { MediaLeg, PayloadTap } from '../endpoint/media-leg.js';
import { JitterBuffer } from '../jitter/jitter-buffer.js';
import type { MediaCodecName, RecordStoppedBody } from '../media-types.js';
import { Recorder } from '../recorder/recorder.js';
import type { AsyncFileSink } from '../wav/wav-writer.js';
import { SampleFifo } from './sample-fifo.js';

const PROGRESS_EVERY_MS = 5000;

export class LegRecording {
  readonly id: string;
  readonly endpoint: MediaLeg;
  readonly path: string;
  readonly #sink: AsyncFileSink;
  readonly #recorder: Recorder;
  #jb: JitterBuffer;
  #jbCodec: MediaCodecName;
  readonly #outFifo = new SampleFifo();
  readonly #decoded = new Int16Array(FRAME_SAMPLES * 8);
  readonly #left = new Int16Array(FRAME_SAMPLES);
  readonly #right = new Int16Array(FRAME_SAMPLES);
  readonly #inTap: PayloadTap;
  readonly #outTap: PayloadTap;
  #outCodecName: MediaCodecName = 'PCMU';
  #outCodec: AudioCodec = codecByName('PCMU');
  #stopped = false;
  #nextProgressMs = -1;

  constructor(id: string, endpoint: MediaLeg, sink: AsyncFileSink, channels: 1 | 2) {
    this.id = id;
    this.endpoint = endpoint;
    this.path = sink.path;
    this.#sink = sink;
    this.#recorder = new Recorder({ sink, layout: channels === 2 ? 'stereo' : 'mono' });
    this.#jbCodec = endpoint.codec;
    this.#jb = new JitterBuffer({ codec: codecByName(endpoint.codec) });
    this.#inTap = (payload, h, codec, now) => {
      if (h.payloadType === endpoint.telephoneEventPt) return;
      if (codec !== this.#jbCodec) {
        this.#jbCodec = codec;
        this.#jb = new JitterBuffer({ codec: codecByName(codec) });
      }
      this.#jb.push(h.sequence, h.timestamp, h.ssrc, payload, 0, payload.length, now);
    };
    this.#outTap = (payload, _h, codec) => {
      if (codec !== this.#outCodecName) {
        this.#outCodecName = codec;
        this.#outCodec = codecByName(codec);
      }
      const n = this.#outCodec.decode(payload, this.#decoded);
      this.#outFifo.push(this.#decoded, n);
    };
    endpoint.inputTaps.add(this.#inTap);
    endpoint.outputTaps.add(this.#outTap);
  }

  pause(): void {
    this.#recorder.pause();
  }

  resume(): void {
    this.#recorder.resume();
  }

  progress(): RecordStoppedBody {
    return { path: this.path, durationMs: this.#recorder.durationMs, bytes: this.#recorder.bytes };
  }

  /** One 20 ms tick: one frame per side into the recorder. */
  tick(nowMs: number, emitProgress: (b: RecordStoppedBody) => void): void {
    if (this.#stopped) return;
    this.#jb.pop(this.#left);
    this.#outFifo.pull(this.#right);
    this.#recorder.writeTick(this.#left, this.#right);
    if (this.#nextProgressMs < 0) this.#nextProgressMs = nowMs + PROGRESS_EVERY_MS;
    else if (nowMs >= this.#nextProgressMs) {
      this.#nextProgressMs = nowMs + PROGRESS_EVERY_MS;
      emitProgress(this.progress());
    }
  }

  /** Stops, waits until everything is on disk, and reports duration and size. */
  async stop(): Promise<RecordStoppedBody> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.endpoint.inputTaps.delete(this.#inTap);
      this.endpoint.outputTaps.delete(this.#outTap);
    }
    const r = this.#recorder.stop();
    await this.#sink.idle();
    if (this.#sink.error) throw this.#sink.error;
    return { path: this.path, durationMs: r.durationMs, bytes: r.bytes };
  }
}
