/**
 * Incremental WAV writer (PCM 16-bit, mono or stereo). Audio is collected in a preallocated
 * buffer of about one second; each time it fills, it is written at its file position and the
 * RIFF and data sizes in the header are patched, so a crash loses at most the last second and
 * the file on disk is always a valid WAV. close() writes the rest and the final sizes.
 *
 * Writes go through a WavSink (positional writes). FileSink writes synchronously (one ~16–32 KB
 * write per second per recording); AsyncFileSink copies each chunk and writes it in order on the
 * libuv thread pool, so the tick never waits for the disk (the header patch is queued after the
 * data it describes, keeping the crash guarantee).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { buildCueChunks, type WavCue } from './wav-cues.js';

export interface WavSink {
  write(data: Uint8Array, length: number, position: number): void;
  close(): void;
}

/** Synchronous file sink (creates or truncates the file). */
export class FileSink implements WavSink {
  #fd: number | null;
  constructor(readonly path: string) {
    this.#fd = openSync(path, 'w');
  }
  write(data: Uint8Array, length: number, position: number): void {
    if (this.#fd === null) return;
    let done = 0;
    while (done < length) done += writeSync(this.#fd, data, done, length - done, position + done);
  }
  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}

/**
 * Asynchronous file sink: each write is copied (one allocation per flush, i.e. per second) and
 * queued; writes complete in order. Errors are kept in `error` (later writes are dropped) and never
 * thrown into the tick. `idle()` resolves when everything queued so far is on disk.
 */
export class AsyncFileSink implements WavSink {
  error: unknown = null;
  #fh: FileHandle | null = null;
  #queue: Promise<void>;
  #closed = false;

  constructor(readonly path: string) {
    this.#queue = open(path, 'w').then(
      (fh) => {
        this.#fh = fh;
      },
      (e) => {
        this.error = e;
      },
    );
  }

  write(data: Uint8Array, length: number, position: number): void {
    if (this.#closed || this.error) return;
    const copy = Buffer.from(data.subarray(0, length));
    this.#queue = this.#queue
      .then(async () => {
        if (this.#fh && !this.error) await this.#fh.write(copy, 0, length, position);
      })
      .catch((e) => {
        this.error ??= e;
      });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = this.#queue
      .then(async () => {
        await this.#fh?.close();
        this.#fh = null;
      })
      .catch((e) => {
        this.error ??= e;
      });
  }

  /** Resolves once every write queued so far has completed (or failed). */
  idle(): Promise<void> {
    return this.#queue;
  }
}

/** In-memory sink (tests): `bytes` is what a file would contain right now. */
export class MemorySink implements WavSink {
  bytes = new Uint8Array(0);
  size = 0;
  closed = false;
  write(data: Uint8Array, length: number, position: number): void {
    if (position + length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(position + length, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(data.subarray(0, length), position);
    this.size = Math.max(this.size, position + length);
  }
  /** The written bytes (trimmed). */
  contents(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
  close(): void {
    this.closed = true;
  }
}

export const WAV_HEADER_BYTES = 44;

export interface WavWriterOptions {
  sampleRate?: number;
  channels?: 1 | 2;
  /** Write + header patch interval (default 1000 ms of audio). */
  flushIntervalMs?: number;
}

export class WavWriter {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly #sink: WavSink;
  readonly #buf: Uint8Array;
  /** Sample view of #buf (WAV is little-endian, like every platform Node runs on here). */
  readonly #samples: Int16Array;
  readonly #header = new Uint8Array(WAV_HEADER_BYTES);
  readonly #headerView = new DataView(this.#header.buffer);
  #fill = 0;
  #dataBytes = 0;
  /** Bytes of chunks after the data chunk (cue points), written at close. */
  #extraBytes = 0;
  #closed = false;
  /** Header patches done (one per flush). */
  flushes = 0;

  constructor(sink: WavSink, opts: WavWriterOptions = {}) {
    this.#sink = sink;
    this.sampleRate = opts.sampleRate ?? 8000;
    this.channels = opts.channels ?? 1;
    const frames = Math.max(1, Math.round((this.sampleRate * (opts.flushIntervalMs ?? 1000)) / 1000));
    this.#buf = new Uint8Array(frames * this.channels * 2);
    this.#samples = new Int16Array(this.#buf.buffer);
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
      throw new Error('big-endian hosts are not supported');
    this.#writeHeader();
  }

  /** Bytes in the file once everything buffered is written (header included). */
  get bytes(): number {
    return WAV_HEADER_BYTES + this.#dataBytes + this.#fill + this.#extraBytes;
  }

  /** Sample frames written so far (buffered included). */
  get frames(): number {
    return (this.#dataBytes + this.#fill) / (2 * this.channels);
  }

  get durationMs(): number {
    return (this.frames * 1000) / this.sampleRate;
  }

  /** Appends `n` mono samples (channels must be 1). */
  writeMono(pcm: Int16Array, n = pcm.length): void {
    if (this.#closed || this.channels !== 1) return;
    const s = this.#samples;
    for (let i = 0; i < n; i++) {
      s[this.#fill >> 1] = pcm[i]!;
      this.#fill += 2;
      if (this.#fill === this.#buf.length) this.flush();
    }
  }

  /** Appends `n` sample frames from two channel buffers (channels must be 2); null = silence. */
  writeStereo(left: Int16Array | null, right: Int16Array | null, n: number): void {
    if (this.#closed || this.channels !== 2) return;
    const s = this.#samples;
    const cap = this.#buf.length;
    let j = this.#fill >> 1;
    for (let i = 0; i < n; i++) {
      s[j] = left ? left[i]! : 0;
      s[j + 1] = right ? right[i]! : 0;
      j += 2;
      if (j << 1 === cap) {
        this.#fill = cap;
        this.flush();
        j = 0;
      }
    }
    this.#fill = j << 1;
  }

  /** Writes buffered audio and patches the header sizes. */
  flush(): void {
    if (this.#fill > 0) {
      this.#sink.write(this.#buf, this.#fill, WAV_HEADER_BYTES + this.#dataBytes);
      this.#dataBytes += this.#fill;
      this.#fill = 0;
    }
    this.#patchSizes();
    this.flushes++;
  }

  /** Writes the rest and the final sizes; optional cue points go after the data chunk. */
  close(cues: WavCue[] = []): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    const extra = buildCueChunks(cues);
    if (extra.length > 0) {
      this.#sink.write(extra, extra.length, WAV_HEADER_BYTES + this.#dataBytes);
      this.#extraBytes = extra.length;
      this.#patchSizes();
    }
    this.#sink.close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #writeHeader(): void {
    const h = this.#header;
    const v = new DataView(h.buffer);
    const ascii = (o: number, s: string) => {
      for (let i = 0; i < 4; i++) h[o + i] = s.charCodeAt(i);
    };
    ascii(0, 'RIFF');
    v.setUint32(4, 36, true);
    ascii(8, 'WAVE');
    ascii(12, 'fmt ');
    v.setUint32(16, 16, true);
    v.setUint16(20, 1, true);
    v.setUint16(22, this.channels, true);
    v.setUint32(24, this.sampleRate, true);
    v.setUint32(28, this.sampleRate * this.channels * 2, true);
    v.setUint16(32, this.channels * 2, true);
    v.setUint16(34, 16, true);
    ascii(36, 'data');
    v.setUint32(40, 0, true);
    this.#sink.write(h, WAV_HEADER_BYTES, 0);
  }

  #patchSizes(): void {
    const v = this.#headerView;
    v.setUint32(4, 36 + this.#dataBytes + this.#extraBytes, true);
    v.setUint32(40, this.#dataBytes, true);
    this.#sink.write(this.#header, WAV_HEADER_BYTES, 0);
  }
}
