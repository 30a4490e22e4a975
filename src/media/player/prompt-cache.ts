/**
 * Cache of converted prompts (8 kHz mono PCM), shared by all players in a worker: the same IVR
 * prompt heard by a hundred callers is decoded and rate-converted once and held once in memory.
 * Keyed by path + size + FNV-1a hash of the file bytes (a replaced file is a new entry); LRU
 * eviction by total bytes. Cached arrays are shared and must never be written to.
 */
export class PcmCache {
  readonly #map = new Map<string, Int16Array>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = 64 * 1024 * 1024) {}

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: string): Int16Array | undefined {
    const v = this.#map.get(key);
    if (v) {
      this.#map.delete(key); // refresh recency
      this.#map.set(key, v);
      this.hits++;
    } else this.misses++;
    return v;
  }

  set(key: string, pcm: Int16Array): void {
    if (pcm.byteLength > this.maxBytes) return;
    const old = this.#map.get(key);
    if (old) {
      this.#bytes -= old.byteLength;
      this.#map.delete(key);
    }
    this.#map.set(key, pcm);
    this.#bytes += pcm.byteLength;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= v.byteLength;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}

/** 32-bit FNV-1a over the bytes. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

export function promptKey(path: string, bytes: Uint8Array): string {
  return `${path}\u0000${bytes.length}\u0000${fnv1a(bytes).toString(16)}`;
}

/** The cache players use unless given another (or null). */
export const sharedPromptCache = new PcmCache();
