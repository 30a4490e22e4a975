/**
 * Player: a pure frame source with a queue of prompts (WAV files or bytes, or PCM such as TTS
 * output). read(frame) is called once per 20 ms tick and fills the frame with the current prompt
 * (or silence). WAV files are loaded and decoded to mono when enqueued (file read is
 * asynchronous; until loaded the player yields silence and the prompt has not started).
 * Other rates are converted progressively, a frame at a time as they play, so a long prompt never
 * blocks the event loop: 16 kHz through the 2:1 FIR resampler, any other rate from 8 to 48 kHz
 * (TTS engines often write 22.05 kHz, studio prompts 44.1/48 kHz) through the windowed-sinc
 * RateConverter; rates outside that range end as 'error'.
 *
 * Events: 'prompt-started' (first frame played), 'prompt-finished' (done | interrupted | stopped
 * | error) and 'queue-empty' (after the last prompt ends). A looping prompt (music on hold) plays
 * until stop() or a barge-in. dtmf(digit) interrupts when the current prompt allows barge-in and
 * flushes the queued prompts that allow it too (an IVR "play these, stop on a key" request).
 */
import { readFile } from 'node:fs/promises';
import { TypedEmitter } from '../../kernel/events.js';
import { RateConverter } from '../wav/rate-converter.js';
import { Resampler, resampleBuffer } from '../wav/resampler.js';
import { decodeWav, mixToMono } from '../wav/wav-reader.js';
import type { PlayerEvents, PromptEndReason, PromptSpec } from './player-types.js';
import { type PcmCache, promptKey, sharedPromptCache } from './prompt-cache.js';

export type { PlayerEvents, PromptSource, PromptSpec } from './player-types.js';

interface Item {
  spec: PromptSpec;
  /** 8 kHz output (for 16 kHz sources filled progressively up to `converted`). */
  pcm: Int16Array | null;
  src: Int16Array | null;
  rs: Resampler | null;
  rc: RateConverter | null;
  /** Cache key once the converted audio should be cached (WAV files). */
  cacheKey: string | null;
  inPos: number;
  converted: number;
  state: 'loading' | 'ready' | 'error';
  error?: string;
  pos: number;
  started: boolean;
}

export interface PlayerOptions {
  /** Reads a WAV file (default fs.promises.readFile). */
  loadFile?: (path: string) => Promise<Uint8Array>;
  /** Converted-prompt cache for WAV files (default: shared per worker; null disables). */
  cache?: PcmCache | null;
  onListenerError?: (err: unknown) => void;
}

function checkRate(rate: number): void {
  if (!(rate >= 8000 && rate <= 48000)) throw new Error(`unsupported sample rate ${rate} (8000–48000)`);
}

/** Converts WAV bytes to 8 kHz mono PCM at once; throws on unsupported input. */
export function wavTo8kMono(bytes: Uint8Array): Int16Array {
  const { info, channels } = decodeWav(bytes);
  checkRate(info.sampleRate);
  const mono = mixToMono(channels);
  if (info.sampleRate === 8000 || info.sampleRate === 16000) {
    return resampleBuffer(mono, info.sampleRate as 8000 | 16000, 8000);
  }
  const c = new RateConverter(mono, info.sampleRate, 8000);
  const out = new Int16Array(c.length);
  c.fill(out, 0, out.length);
  return out;
}

function prepare(item: Item, pcm: Int16Array, rate: number): void {
  checkRate(rate);
  if (rate === 8000) {
    item.pcm = pcm;
    item.converted = pcm.length;
  } else if (rate === 16000) {
    item.src = pcm;
    item.rs = new Resampler(16000, 8000);
    item.pcm = new Int16Array(pcm.length >> 1);
    item.converted = 0;
  } else {
    item.rc = new RateConverter(pcm, rate, 8000);
    item.pcm = new Int16Array(item.rc.length);
    item.converted = 0;
  }
  item.state = 'ready';
}

/** Converts the source until `upTo` output samples exist. */
function ensure(item: Item, upTo: number): void {
  const rc = item.rc;
  if (rc) {
    const out = item.pcm!;
    item.converted += rc.fill(out, item.converted, Math.min(upTo, out.length) - item.converted);
    if (item.converted >= out.length) item.rc = null;
    return;
  }
  const src = item.src;
  const rs = item.rs;
  if (!src || !rs) return;
  const out = item.pcm!;
  while (item.converted < upTo && item.inPos < src.length) {
    const chunk = Math.min(320, src.length - item.inPos);
    item.converted += rs.process(src, chunk, out, item.inPos, item.converted);
    item.inPos += chunk;
  }
  if (item.inPos >= src.length) {
    item.src = null;
    item.rs = null;
  }
}

export class Player extends TypedEmitter<PlayerEvents> {
  #queue: Item[] = [];
  readonly #load: (path: string) => Promise<Uint8Array>;
  readonly #cache: PcmCache | null;
  #closed = false;
  /** Frames that carried prompt audio. */
  framesPlayed = 0;

  constructor(opts: PlayerOptions = {}) {
    super(opts.onListenerError ? (e) => opts.onListenerError!(e) : undefined);
    this.#cache = opts.cache === undefined ? sharedPromptCache : opts.cache;
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
    const item: Item = {
      spec,
      pcm: null,
      src: null,
      rs: null,
      rc: null,
      cacheKey: null,
      inPos: 0,
      converted: 0,
      state: 'loading',
      pos: 0,
      started: false,
    };
    this.#queue.push(item);
    const src = spec.source;
    const fromWav = (bytes: Uint8Array) => {
      const { info, channels } = decodeWav(bytes);
      prepare(item, mixToMono(channels), info.sampleRate);
    };
    try {
      if (src.kind === 'pcm') {
        prepare(item, src.pcm, src.sampleRate);
      } else if (src.kind === 'wav-bytes') {
        fromWav(src.bytes);
      } else {
        return this.#load(src.path).then(
          (bytes) => {
            try {
              const key = this.#cache ? promptKey(src.path, bytes) : null;
              const hit = key ? this.#cache!.get(key) : undefined;
              if (hit) {
                item.pcm = hit;
                item.converted = hit.length;
                item.state = 'ready';
                return;
              }
              fromWav(bytes);
              item.cacheKey = key;
              this.#maybeCache(item);
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

  /** Caches a WAV prompt once it is completely converted. */
  #maybeCache(item: Item): void {
    if (item.cacheKey && item.pcm && item.converted >= item.pcm.length) {
      this.#cache?.set(item.cacheKey, item.pcm);
      item.cacheKey = null;
    }
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
      if (item.converted < item.pos + m) {
        ensure(item, item.pos + m);
        if (item.cacheKey) this.#maybeCache(item);
      }
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
