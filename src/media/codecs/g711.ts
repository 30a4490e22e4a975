/**
 * G.711 (ITU-T G.711) µ-law and A-law with lookup tables built once at load:
 * 64 Ki-entry encode tables (index = sample & 0xffff), 256-entry decode tables and 256-entry
 * µ↔A transcoding tables (decode then re-encode, as G.711 Table 3/4 intends).
 * The bit manipulations follow the classic reference implementation (Sun g711.c).
 */
import type { AudioCodec } from './codec.js';

const SIGN_BIT = 0x80;
const QUANT_MASK = 0x0f;
const SEG_SHIFT = 4;
const SEG_MASK = 0x70;
const ULAW_BIAS = 0x84;
const ULAW_CLIP = 8159;
const SEG_UEND = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const SEG_AEND = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(v: number, table: number[]): number {
  for (let i = 0; i < 8; i++) if (v <= table[i]!) return i;
  return 8;
}

/** Reference µ-law encoder for one 16-bit sample (used to build the table and by tests). */
export function linearToUlaw(sample: number): number {
  let v = sample >> 2;
  let mask: number;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  if (v > ULAW_CLIP) v = ULAW_CLIP;
  v += ULAW_BIAS >> 2;
  const seg = segment(v, SEG_UEND);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
}

/** Reference µ-law decoder. */
export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & QUANT_MASK) << 3) + ULAW_BIAS;
  t <<= (u & SEG_MASK) >> SEG_SHIFT;
  return u & SIGN_BIT ? ULAW_BIAS - t : t - ULAW_BIAS;
}

/** Reference A-law encoder for one 16-bit sample. */
export function linearToAlaw(sample: number): number {
  let v = sample >> 3;
  let mask: number;
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, SEG_AEND);
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << SEG_SHIFT;
  a |= seg < 2 ? (v >> 1) & QUANT_MASK : (v >> seg) & QUANT_MASK;
  return a ^ mask;
}

/** Reference A-law decoder. */
export function alawToLinear(code: number): number {
  const a = (code ^ 0x55) & 0xff;
  let t = (a & QUANT_MASK) << 4;
  const seg = (a & SEG_MASK) >> SEG_SHIFT;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & SIGN_BIT ? t : -t;
}

export const ULAW_ENCODE = new Uint8Array(65536);
export const ALAW_ENCODE = new Uint8Array(65536);
export const ULAW_DECODE = new Int16Array(256);
export const ALAW_DECODE = new Int16Array(256);
export const ULAW_TO_ALAW = new Uint8Array(256);
export const ALAW_TO_ULAW = new Uint8Array(256);
/** Code of digital silence (positive zero). */
export const ULAW_SILENCE = 0xff;
export const ALAW_SILENCE = 0xd5;

for (let i = 0; i < 65536; i++) {
  const s = i >= 32768 ? i - 65536 : i;
  ULAW_ENCODE[i] = linearToUlaw(s);
  ALAW_ENCODE[i] = linearToAlaw(s);
}
for (let c = 0; c < 256; c++) {
  ULAW_DECODE[c] = ulawToLinear(c);
  ALAW_DECODE[c] = alawToLinear(c);
}
for (let c = 0; c < 256; c++) {
  ULAW_TO_ALAW[c] = ALAW_ENCODE[ULAW_DECODE[c]! & 0xffff]!;
  ALAW_TO_ULAW[c] = ULAW_ENCODE[ALAW_DECODE[c]! & 0xffff]!;
}

function encodeWith(table: Uint8Array, pcm: Int16Array, out: Uint8Array): number {
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[pcm[i]! & 0xffff]!;
  return n;
}

function decodeWith(table: Int16Array, payload: Uint8Array, out: Int16Array): number {
  const n = Math.min(payload.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[payload[i]!]!;
  return n;
}

/** Transcodes G.711 payload bytes in one table pass (no PCM step). `table` is ULAW_TO_ALAW or ALAW_TO_ULAW. */
export function transcodeG711(table: Uint8Array, src: Uint8Array, srcLen: number, dst: Uint8Array): number {
  const n = Math.min(srcLen, dst.length);
  for (let i = 0; i < n; i++) dst[i] = table[src[i]!]!;
  return n;
}

class G711Codec implements AudioCodec {
  readonly clockRate = 8000;
  constructor(
    readonly name: string,
    readonly payloadType: number,
    private readonly enc: Uint8Array,
    private readonly dec: Int16Array,
  ) {}
  encode(pcm: Int16Array, out: Uint8Array): number {
    return encodeWith(this.enc, pcm, out);
  }
  decode(payload: Uint8Array, out: Int16Array): number {
    return decodeWith(this.dec, payload, out);
  }
  decodeFrom(buf: Uint8Array, offset: number, len: number, out: Int16Array): number {
    const dec = this.dec;
    let n = Math.min(len, out.length);
    if (offset + n > buf.length) n = buf.length - offset;
    if (offset < 0 || n <= 0) return 0;
    for (let i = 0; i < n; i++) out[i] = dec[buf[offset + i]!]!;
    return n;
  }
  encodeTo(pcm: Int16Array, samples: number, out: Uint8Array, offset: number): number {
    const enc = this.enc;
    let n = Math.min(samples, pcm.length);
    if (offset + n > out.length) n = out.length - offset;
    if (offset < 0 || n <= 0) return 0;
    for (let i = 0; i < n; i++) out[offset + i] = enc[pcm[i]! & 0xffff]!;
    return n;
  }
}

/** Stateless, so one shared instance each. */
export const PCMU: AudioCodec = new G711Codec('PCMU', 0, ULAW_ENCODE, ULAW_DECODE);
export const PCMA: AudioCodec = new G711Codec('PCMA', 8, ALAW_ENCODE, ALAW_DECODE);
