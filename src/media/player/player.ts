/**
 * Player: a pure frame source with a queue of prompts (WAV files or bytes, or PCM such as TTS
 * output). read(frame) is called once per 20 ms tick and fills the frame with the current prompt
 * (or silence). WAV files are loaded and converted to 8 kHz mono when enqueued (file read is
 * asynchronous; until loaded the player yields silence and the prompt has not started).
 * 16 kHz sources go through the FIR resampler; other rates are rejected as 'error'.
 *
 * Events: 'prompt-started' (first frame played), 'prompt-finished' (done | interrupted | stopped
 * | error) and 'queue-empty' (after the last prompt ends). A looping prompt (music on hold) plays
 * until stop() or a barge-in. dtmf(digit) interrupts when the current prompt allows barge-in and
 * flushes the queued prompts that allow it too (an IVR "play these, stop on a key" request).
 */
import { readFile } from 'node:fs/promises';
import { TypedEmitter } from '../../kernel/events.js';
import { resampleBuffer } from '../wav/resampler.js';
import { decodeWav, mixToMono } from '../wav/wav-reader.js';
import type { PlayerEvents, PromptEndReason, PromptSpec } from './player-types.js';

export type { PlayerEvents, PromptSource, PromptSpec } from './player-types.js';

interface Item {
  spec: PromptSpec;
  pcm: Int16Array | null;
  state: 'loading' | 'ready' | 'error';
  error?: string;
  pos: number;
  started: boolean;
}

export interface PlayerOptions {
  /** Reads a WAV file (default fs.promises.readFile). */
  loadFile?: (path: string) => Promise<Uint8Array>;
  onListenerError?: (err: unknown) => void;
}

function toPcm8k(pcm: Int16Array, rate: number): Int16Array {
  if (rate === 8000) return pcm;
  if (rate === 16000) return resampleBuffer(pcm, 16000, 8000);
  throw new Error(`unsupported sample rate ${rate} (8000 or 16000)`);
}

/** Converts WAV bytes to 8 kHz mono PCM; throws on unsupported input. */
export function wavTo8kMono(bytes: Uint8Array): Int16Array {
  const { info, channels } = decodeWav(bytes);
  return toPcm8k(mixToMono(channels), info.sampleRate);
}

export class Player extends TypedEmitter<PlayerEvents> {
  #queue: Item[] = [];
  readonly #load: (path: string) => Promise<Uint8Array>;
  #closed = false;
  /** Frames that carried prompt audio. */
  framesPlayed = 0;

  constructor(opts: PlayerOptions = {}) {
    super(opts.onListenerError ? (e) => opts.onListenerError!(e) : undefined);
    this.#load =
      opts.loadFile ?? ((p) => readFile(p).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.length)));
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  get playing(): string | null {
    const head = this.#queue[0];
    return head?.started ? head.spec.id : null;
  }

  /** Adds a prompt; returns a promise that settles when its audio is ready (or failed to load). */
  enqueue(spec: PromptSpec): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const item: Item = { spec, pcm: null, state: 'loading', pos: 0, started: false };
    this.#queue.push(item);
    const src = spec.source;
    try {
      if (src.kind === 'pcm') {
        item.pcm = toPcm8k(src.pcm, src.sampleRate);
        item.state = 'ready';
      } else if (src.kind === 'wav-bytes') {
        item.pcm = wavTo8kMono(src.bytes);
        item.state = 'ready';
      } else {
        return this.#load(src.path).then(
          (bytes) => {
            try {
              item.pcm = wavTo8kMono(bytes);
              item.state = 'ready';
            } catch (e) {
              this.#fail(item, e);
            }
          },
          (e) => this.#fail(item, e),
        );
      }
    } catch (e) {
      this.#fail(item, e);
    }
    return Promise.resolve();
  }

  #fail(item: Item, e: unknown): void {
    item.state = 'error';
    item.error = e instanceof Error ? e.message : String(e);
  }

  /** Fills one frame. Returns true when it carries prompt audio, false for silence. */
  read(out: Int16Array): boolean {
    const n = out.length;
    let o = 0;
    let audio = false;
    while (o < n) {
      const item = this.#queue[0];
      if (!item || item.state === 'loading') break;
      if (item.state === 'error') {
        this.#finish(item, 'error');
        continue;
      }
      const pcm = item.pcm!;
      if (!item.started) {
        item.started = true;
        this.safeEmit('prompt-started', item.spec.id);
      }
      if (pcm.length === 0) {
        this.#finish(item, 'done');
        continue;
      }
      let m = pcm.length - item.pos;
      if (m > n - o) m = n - o;
      for (let i = 0; i < m; i++) out[o + i] = pcm[item.pos + i]!;
      item.pos += m;
      o += m;
      audio = true;
      if (item.pos >= pcm.length) {
        if (item.spec.loop) item.pos = 0;
        else this.#finish(item, 'done');
      }
    }
    for (let i = o; i < n; i++) out[i] = 0;
    if (audio) this.framesPlayed++;
    return audio;
  }

  #finish(item: Item, reason: PromptEndReason): void {
    const i = this.#queue.indexOf(item);
    if (i >= 0) this.#queue.splice(i, 1);
    this.safeEmit('prompt-finished', item.spec.id, reason);
    if (this.#queue.length === 0) this.safeEmit('queue-empty');
  }

  /**
   * A DTMF digit arrived. If the current prompt allows barge-in (default), it and every queued
   * prompt allowing barge-in end with 'interrupted'. Returns true if anything was interrupted.
   */
  dtmf(_digit: string): boolean {
    const head = this.#queue[0];
    if (!head || head.spec.bargeIn === false) return false;
    const cut = this.#queue.filter((it) => it.spec.bargeIn !== false);
    this.#queue = this.#queue.filter((it) => it.spec.bargeIn === false);
    for (const it of cut) this.safeEmit('prompt-finished', it.spec.id, 'interrupted');
    if (this.#queue.length === 0) this.safeEmit('queue-empty');
    return cut.length > 0;
  }

  /** Ends every prompt with 'stopped'. */
  stop(): void {
    const all = this.#queue;
    if (all.length === 0) return;
    this.#queue = [];
    for (const it of all) this.safeEmit('prompt-finished', it.spec.id, 'stopped');
    this.safeEmit('queue-empty');
  }

  close(): void {
    if (this.#closed) return;
    this.stop();
    this.#closed = true;
    this.removeAllListeners();
  }
}
