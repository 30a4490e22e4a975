/**
 * Recording of one leg: channel 0 = what the leg sends us (caller), channel 1 = what we send the
 * leg (the other side: agent, prompts). Taps decode G.711 into per-direction sample FIFOs as
 * packets pass; the worker's 20 ms tick pulls one frame per direction and appends it to the WAV
 * file, which is written asynchronously (never on the packet path).
 */
import { clamp16, FRAME_SAMPLES } from '../audio.js';
import { type AudioCodec, codecByName } from '../codecs/codec.js';
import type { MediaLeg, PayloadTap } from '../endpoint/media-leg.js';
import type { MediaCodecName, RecordStoppedBody } from '../media-types.js';
import { SampleFifo } from './sample-fifo.js';
import type { WavSink } from './wav-sink.js';

const PROGRESS_EVERY_MS = 5000;

export class LegRecording {
  readonly id: string;
  readonly endpoint: MediaLeg;
  readonly #sink: WavSink;
  readonly #inFifo = new SampleFifo();
  readonly #outFifo = new SampleFifo();
  readonly #decoded = new Int16Array(FRAME_SAMPLES * 8);
  readonly #left = new Int16Array(FRAME_SAMPLES);
  readonly #right = new Int16Array(FRAME_SAMPLES);
  readonly #mono = new Int16Array(FRAME_SAMPLES);
  readonly #inTap: PayloadTap;
  readonly #outTap: PayloadTap;
  #codecName: MediaCodecName = 'PCMU';
  #codec: AudioCodec = codecByName('PCMU');
  #paused = false;
  #stopped = false;
  #nextProgressMs = -1;

  constructor(id: string, endpoint: MediaLeg, sink: WavSink) {
    this.id = id;
    this.endpoint = endpoint;
    this.#sink = sink;
    this.#inTap = (payload, h) => {
      if (h.payloadType === endpoint.telephoneEventPt) return;
      this.#decode(payload, this.#inFifo);
    };
    this.#outTap = (payload) => this.#decode(payload, this.#outFifo);
    endpoint.inputTaps.add(this.#inTap);
    endpoint.outputTaps.add(this.#outTap);
  }

  #decode(payload: Uint8Array, fifo: SampleFifo): void {
    const name = this.endpoint.codec;
    if (name !== this.#codecName) {
      this.#codecName = name;
      this.#codec = codecByName(name);
    }
    const n = this.#codec.decode(payload, this.#decoded);
    fifo.push(this.#decoded, n);
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  progress(): RecordStoppedBody {
    return { path: this.#sink.path, durationMs: this.#sink.durationMs, bytes: 44 + this.#sink.dataBytes };
  }

  /** One 20 ms tick: one frame per direction into the file (skipped while paused). */
  tick(nowMs: number, emitProgress: (b: RecordStoppedBody) => void): void {
    if (this.#stopped) return;
    this.#inFifo.pull(this.#left);
    this.#outFifo.pull(this.#right);
    if (this.#paused) return;
    if (this.#sink.channels === 2) this.#sink.write(this.#left, this.#right);
    else {
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        this.#mono[i] = clamp16(this.#left[i]! + this.#right[i]!);
      }
      this.#sink.write(this.#mono);
    }
    if (this.#nextProgressMs < 0) this.#nextProgressMs = nowMs + PROGRESS_EVERY_MS;
    else if (nowMs >= this.#nextProgressMs) {
      this.#nextProgressMs = nowMs + PROGRESS_EVERY_MS;
      emitProgress(this.progress());
    }
  }

  async stop(): Promise<RecordStoppedBody> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.endpoint.inputTaps.delete(this.#inTap);
      this.endpoint.outputTaps.delete(this.#outTap);
    }
    const r = await this.#sink.close();
    return { path: this.#sink.path, durationMs: r.durationMs, bytes: r.bytes };
  }
}
