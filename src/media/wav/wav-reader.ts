/**
 * WAV (RIFF/WAVE) reader: PCM 16-bit, G.711 µ-law (format 7) and A-law (format 6), mono or stereo,
 * any sample rate in the header (the player accepts 8 and 16 kHz). Walks chunks (skipping LIST,
 * fact, …, with odd-size padding), accepts WAVE_FORMAT_EXTENSIBLE with a PCM/µ-law/A-law subformat,
 * and tolerates a data size that is 0, 0xFFFFFFFF or past the end of the file (a recording whose
 * writer crashed before the last header patch): the data then runs to the end of the file.
 * Load path only: throws SwbError SWB_MEDIA_WAV_INVALID on anything it cannot read.
 */
import { SwbError } from '../../kernel/errors.js';
import { ALAW_DECODE, ULAW_DECODE } from '../codecs/g711.js';

export const WAVE_FORMAT_PCM = 1;
export const WAVE_FORMAT_ALAW = 6;
export const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export interface WavInfo {
  format: typeof WAVE_FORMAT_PCM | typeof WAVE_FORMAT_ALAW | typeof WAVE_FORMAT_MULAW;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  /** Data bytes actually present (whole sample frames only). */
  dataBytes: number;
  /** The data size the header declares (may differ after a crash). */
  declaredDataBytes: number;
  /** Sample frames (samples per channel). */
  frames: number;
  durationMs: number;
}

function bad(reason: string): SwbError {
  return new SwbError('SWB_MEDIA_WAV_INVALID', { reason });
}

function tag(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!);
}

export function readWavHeader(bytes: Uint8Array): WavInfo {
  if (bytes.length < 12 || tag(bytes, 0) !== 'RIFF' || tag(bytes, 8) !== 'WAVE')
    throw bad('not a RIFF/WAVE file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number; align: number } | null = null;
  while (o + 8 <= bytes.length) {
    const id = tag(bytes, o);
    const size = v.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw bad('fmt chunk too short');
      let format = v.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 40 > bytes.length) throw bad('extensible fmt chunk too short');
        format = v.getUint16(body + 24, true); // first two bytes of the SubFormat GUID
      }
      fmt = {
        format,
        channels: v.getUint16(body + 2, true),
        rate: v.getUint32(body + 4, true),
        align: v.getUint16(body + 12, true),
        bits: v.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw bad('data chunk before fmt chunk');
      const { format, channels, rate, bits, align } = fmt;
      if (format !== WAVE_FORMAT_PCM && format !== WAVE_FORMAT_ALAW && format !== WAVE_FORMAT_MULAW) {
        throw bad(`unsupported format ${format}`);
      }
      if (format === WAVE_FORMAT_PCM && bits !== 16) throw bad(`unsupported PCM bit depth ${bits}`);
      if (format !== WAVE_FORMAT_PCM && bits !== 8) throw bad(`G.711 WAV must be 8-bit, is ${bits}`);
      if (channels < 1 || channels > 2) throw bad(`unsupported channel count ${channels}`);
      if (rate < 4000 || rate > 192000) throw bad(`implausible sample rate ${rate}`);
      const frameBytes = channels * (bits / 8);
      if (align !== frameBytes) throw bad(`block align ${align} does not match ${frameBytes}`);
      const available = bytes.length - body;
      const declared = size;
      let dataBytes =
        declared === 0 || declared === 0xffffffff || declared > available ? available : declared;
      dataBytes -= dataBytes % frameBytes;
      const frames = dataBytes / frameBytes;
      return {
        format,
        sampleRate: rate,
        channels,
        bitsPerSample: bits,
        dataOffset: body,
        dataBytes,
        declaredDataBytes: declared,
        frames,
        durationMs: (frames * 1000) / rate,
      };
    }
    o = body + size + (size & 1);
  }
  throw bad(fmt ? 'no data chunk' : 'no fmt chunk');
}

/** Decodes every channel to Int16Array (µ-law/A-law expanded through the G.711 tables). */
export function decodeWav(bytes: Uint8Array): { info: WavInfo; channels: Int16Array[] } {
  const info = readWavHeader(bytes);
  const out = Array.from({ length: info.channels }, () => new Int16Array(info.frames));
  const ch = info.channels;
  const base = info.dataOffset;
  if (info.format === WAVE_FORMAT_PCM) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < info.frames; i++) {
      for (let c = 0; c < ch; c++) out[c]![i] = v.getInt16(base + (i * ch + c) * 2, true);
    }
  } else {
    const table = info.format === WAVE_FORMAT_MULAW ? ULAW_DECODE : ALAW_DECODE;
    for (let i = 0; i < info.frames; i++) {
      for (let c = 0; c < ch; c++) out[c]![i] = table[bytes[base + i * ch + c]!]!;
    }
  }
  return { info, channels: out };
}

/** Averages the channels into one (stereo → mono). */
export function mixToMono(channels: Int16Array[]): Int16Array {
  if (channels.length === 1) return channels[0]!;
  const a = channels[0]!;
  const b = channels[1]!;
  const out = new Int16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i]! + b[i]!) >> 1;
  return out;
}
