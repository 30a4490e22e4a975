/**
 * Incremental WAV file (16-bit PCM, 8 kHz, 1 or 2 channels) written off the packet path: the tick
 * appends interleaved samples to an in-memory chunk; full chunks (≤ 1 s of audio) are written
 * asynchronously in order and the RIFF sizes are patched after each write, so a crash loses at most
 * the last second and the file stays playable.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { SAMPLE_RATE } from '../audio.js';

const HEADER = 44;

function header(channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(HEADER);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export class WavSink {
  readonly path: string;
  readonly channels: 1 | 2;
  readonly #fh: FileHandle;
  #chunk: Buffer;
  #fill = 0;
  #written = 0;
  #queue: Promise<void> = Promise.resolve();
  #error: unknown = null;
  #closed = false;

  private constructor(path: string, channels: 1 | 2, fh: FileHandle) {
    this.path = path;
    this.channels = channels;
    this.#fh = fh;
    this.#chunk = Buffer.alloc(SAMPLE_RATE * 2 * channels);
  }

  static async create(path: string, channels: 1 | 2): Promise<WavSink> {
    if (endianness() !== 'LE') throw new Error('WavSink needs a little-endian host');
    const fh = await open(path, 'w');
    await fh.write(header(channels, 0), 0, HEADER, 0);
    return new WavSink(path, channels, fh);
  }

  /** Bytes of audio data accepted so far (written or pending). */
  get dataBytes(): number {
    return this.#written + this.#fill;
  }

  get durationMs(): number {
    return Math.round((this.dataBytes / (2 * this.channels) / SAMPLE_RATE) * 1000);
  }

  get failed(): unknown {
    return this.#error;
  }

  /** One frame: `left` only for mono, `left`+`right` interleaved for stereo. */
  write(left: Int16Array, right?: Int16Array): void {
    if (this.#closed) return;
    const n = left.length;
    const need = n * 2 * this.channels;
    if (this.#fill + need > this.#chunk.length) this.flush();
    // little-endian hosts (x86, ARM): write samples through an Int16Array view, no per-sample calls
    const view = new Int16Array(this.#chunk.buffer, this.#chunk.byteOffset + this.#fill, need >> 1);
    if (this.channels === 2 && right) {
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        view[j] = left[i]!;
        view[j + 1] = right[i]!;
      }
    } else {
      view.set(left.subarray(0, n));
    }
    const o = this.#fill + need;
    this.#fill = o;
    if (this.#fill >= this.#chunk.length) this.flush();
  }

  /** Queues the pending chunk for writing (asynchronously, in order). */
  flush(): void {
    if (this.#fill === 0) return;
    const data = this.#chunk.subarray(0, this.#fill);
    const pos = HEADER + this.#written;
    this.#written += this.#fill;
    const total = this.#written;
    this.#chunk = Buffer.alloc(this.#chunk.length);
    this.#fill = 0;
    this.#queue = this.#queue.then(async () => {
      if (this.#error) return;
      try {
        await this.#fh.write(data, 0, data.length, pos);
        await this.#fh.write(header(this.channels, total), 0, HEADER, 0);
      } catch (err) {
        this.#error = err;
      }
    });
  }

  /** Flushes, waits for every write and closes the file. Idempotent. */
  async close(): Promise<{ bytes: number; durationMs: number }> {
    if (!this.#closed) {
      this.flush();
      this.#closed = true;
      this.#queue = this.#queue.then(() => this.#fh.close()).catch(() => {});
    }
    await this.#queue;
    return { bytes: HEADER + this.#written, durationMs: this.durationMs };
  }
}
