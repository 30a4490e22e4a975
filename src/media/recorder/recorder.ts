/**
 * Recorder core: one recording per leg. Each 20 ms tick takes the caller's and the agent's frame
 * (either may be missing: silence) and appends them, aligned, to a WavWriter: two-channel
 * (left = caller, right = agent) by default, or mixed mono. pause() keeps the timeline (silence is
 * written while paused, so the file stays as long as the call) and records the interval, e.g. to
 * mask a card number; intervals are returned by stop() and written into the file as WAV cue points
 * labelled 'pause'/'resume'; resume() continues; stop() finalises the file and returns duration and
 * bytes. The writer patches the WAV header about every second, so a crash loses at most ~1 s.
 * No allocation per tick; file writes happen once per flush interval.
 */

import { SwbError } from '../../kernel/errors.js';
import { TypedEmitter } from '../../kernel/events.js';
import { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE } from '../audio.js';
import { type WavSink, WavWriter } from '../wav/wav-writer.js';
import type { RecorderState, RecordingLayout, RecordingResult } from './recorder-types.js';

export type { RecorderState, RecordingLayout, RecordingResult } from './recorder-types.js';

export interface RecorderOptions {
  sink: WavSink;
  layout?: RecordingLayout;
  flushIntervalMs?: number;
}

export type RecorderEvents = {
  paused: [atMs: number];
  resumed: [atMs: number];
  stopped: [result: RecordingResult];
};

export class Recorder extends TypedEmitter<RecorderEvents> {
  readonly layout: RecordingLayout;
  readonly #writer: WavWriter;
  readonly #mono: Int16Array;
  #caller: Int16Array | null = null;
  #agent: Int16Array | null = null;
  #state: RecorderState = 'recording';
  #ticks = 0;
  #pauseStart = -1;
  readonly #pauses: Array<[number, number]> = [];
  #result: RecordingResult | null = null;

  constructor(opts: RecorderOptions) {
    super();
    this.layout = opts.layout ?? 'stereo';
    this.#writer = new WavWriter(opts.sink, {
      sampleRate: SAMPLE_RATE,
      channels: this.layout === 'stereo' ? 2 : 1,
      flushIntervalMs: opts.flushIntervalMs ?? 1000,
    });
    this.#mono = new Int16Array(FRAME_SAMPLES);
  }

  get state(): RecorderState {
    return this.#state;
  }

  get durationMs(): number {
    return this.#ticks * FRAME_MS;
  }

  /** File size so far, header included (buffered audio counted). */
  get bytes(): number {
    return this.#writer.bytes;
  }

  /** Offers this tick's caller frame (kept until tick()). */
  setCaller(frame: Int16Array | null): void {
    this.#caller = frame;
  }

  setAgent(frame: Int16Array | null): void {
    this.#agent = frame;
  }

  /** Writes the frames offered since the last tick (missing side = silence). */
  tick(): void {
    this.writeTick(this.#caller, this.#agent);
    this.#caller = null;
    this.#agent = null;
  }

  /** Appends one tick: caller and agent frames of FRAME_SAMPLES (null = silence). */
  writeTick(caller: Int16Array | null, agent: Int16Array | null): void {
    if (this.#state === 'stopped') return;
    if (this.#state === 'paused') {
      caller = null;
      agent = null;
    }
    if (this.layout === 'stereo') {
      this.#writer.writeStereo(caller, agent, FRAME_SAMPLES);
    } else {
      const m = this.#mono;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const v = (caller ? caller[i]! : 0) + (agent ? agent[i]! : 0);
        m[i] = v > 32767 ? 32767 : Math.max(v, -32768);
      }
      this.#writer.writeMono(m, FRAME_SAMPLES);
    }
    this.#ticks++;
  }

  /** Starts writing silence (idempotent while paused). Throws SWB_MEDIA_RECORDER_STATE once stopped. */
  pause(): void {
    if (this.#state === 'stopped')
      throw new SwbError('SWB_MEDIA_RECORDER_STATE', { action: 'pause', state: 'stopped' });
    if (this.#state === 'paused') return;
    this.#state = 'paused';
    this.#pauseStart = this.durationMs;
    this.safeEmit('paused', this.#pauseStart);
  }

  resume(): void {
    if (this.#state === 'stopped')
      throw new SwbError('SWB_MEDIA_RECORDER_STATE', { action: 'resume', state: 'stopped' });
    if (this.#state === 'recording') return;
    this.#state = 'recording';
    this.#pauses.push([this.#pauseStart, this.durationMs]);
    this.#pauseStart = -1;
    this.safeEmit('resumed', this.durationMs);
  }

  /** Finalises the file (idempotent: later calls return the same result). */
  stop(): RecordingResult {
    if (this.#result) return this.#result;
    if (this.#state === 'paused') this.#pauses.push([this.#pauseStart, this.durationMs]);
    this.#state = 'stopped';
    // pause/resume marks as WAV cue points (8 samples per ms at 8 kHz)
    const cues = this.#pauses.flatMap(([from, to], i) => [
      { id: 2 * i + 1, frame: from * 8, label: 'pause' },
      { id: 2 * i + 2, frame: to * 8, label: 'resume' },
    ]);
    this.#writer.close(cues);
    this.#result = {
      durationMs: this.durationMs,
      bytes: this.#writer.bytes,
      layout: this.layout,
      pauses: this.#pauses.map((p) => [p[0], p[1]] as [number, number]),
    };
    this.safeEmit('stopped', this.#result);
    return this.#result;
  }
}
